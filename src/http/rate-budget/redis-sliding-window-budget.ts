import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RedisUnavailableError } from '../../errors/redis-unavailable-error.js';
import { SiphonError } from '../../errors/siphon-error.js';
import type { Duration } from '../../util/duration.js';
import type { RateBudget, RateLimitObservation } from '../types.js';
import { type BudgetWaiter, budgetClosedError, MAX_TIMER_MS, rejectWaiters } from './budget-waiter.js';
import { LearnedLimit } from './learned-limit.js';
import { type DeclaredLimit, resolveRateLimitOptions } from './rate-limit-options.js';
import { jitterGuardMs, settleGuardMs } from './sliding-window-budget.js';

export interface RedisSlidingWindowBudgetOptions {
  /**
   * The connection to use. It is shared, not owned: `close()` leaves it open.
   * Give it `maxRetriesPerRequest: null` so a Redis outage makes requests
   * wait for the reconnection instead of failing the run.
   */
  readonly redis: Redis;
  /** The source whose requests the budget counts; every worker naming it shares one budget. */
  readonly source: string;
  /**
   * Namespace of the keys, e.g. the queue prefix of the deployment.
   * @default 'siphon'
   */
  readonly prefix?: string | undefined;
  /** Requests allowed in any window of `per`; give both or neither. */
  readonly requests?: number | undefined;
  /** The window length, e.g. `'1s'`, `'1m'`. */
  readonly per?: Duration | undefined;
  /**
   * Extra spacing added to the window, see {@link distributedGuardMs}.
   * @default distributedGuardMs(perMs), or settleGuardMs(perMs) with holdUntilSettled
   */
  readonly guardMs?: number | undefined;
  /**
   * Hold each request's slot until it is settled (see {@link RateBudget.settle})
   * instead of counting it from its grant: the API counted the request before
   * its answer arrived, so however long it took to leave its worker (a busy
   * machine, a cold connection) the API never sees more than the limit.
   * The distributed runtime's clients settle every grant.
   * @default false
   */
  readonly holdUntilSettled?: boolean | undefined;
  /**
   * With `holdUntilSettled`, how long a grant that is never settled (its
   * worker died mid-request) keeps its slot.
   * @default 60_000
   */
  readonly holdMs?: number | undefined;
  /**
   * How long a grant waits for Redis when it cannot be reached (a restart,
   * a failover): the request waits and is granted once Redis is back; past
   * this, it fails with a {@link RedisUnavailableError} instead of holding
   * the run (and its lease) for as long as Redis stays away.
   * @default 60_000
   */
  readonly outageMs?: number | undefined;
}

/** @see RedisSlidingWindowBudgetOptions.outageMs */
const REDIS_OUTAGE_MS = 60_000;
/** Waits between tries while Redis refuses connections; they double up to the last. */
const OUTAGE_RETRY_MS = [100, 200, 400, 800, 1600, 2000];

/** ioredis's ways of saying the connection is gone, when the connection gives up rather than queueing the command. */
function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(code)) return true;
  const message = error instanceof Error ? error.message : '';
  return (
    message.startsWith('Connection is closed') ||
    message.includes('max retries per request') ||
    message.startsWith('Stream isn') ||
    message.startsWith('LOADING')
  );
}

/**
 * The in-process {@link jitterGuardMs}, but never under 100 ms. A grant's
 * time is taken in Redis and the request reaches the API later; what the API
 * counts is arrivals, so the guard must cover how much that lag varies. In
 * one process it varies by milliseconds; across processes it includes one
 * worker's cold first request (undici's first connection, an event loop busy
 * creating tables) against another's warm one: 30–50 ms, once over 50 ms, on
 * the 3-worker test. The cost is throughput on short windows only (10 % of
 * a 1 s window; a 1 min window's guard is its usual 1 s).
 */
export function distributedGuardMs(perMs: number): number {
  return Math.max(100, jitterGuardMs(perMs));
}

/**
 * Trims grants that left the window, then grants (adding a unique member
 * scored at the server's `now`, or at `now + hold` while the request is in
 * flight) or answers the wait until the grant `requests` back leaves it.
 * Redis runs a script atomically, so concurrent workers can never both take
 * the last slot. `TIME` is the one clock every worker shares.
 *
 * KEYS: grants (sorted set), pause (epoch ms string).
 * ARGV: requests (0 = no declared limit), window ms (guard included), member,
 * hold ms (0 = count from the grant).
 * Returns { 1, 0 } when granted, { 0, waitMs } otherwise, { 0, -1 } when the
 * slot to free is held by a request still in flight (poll: its settle may
 * come from another worker).
 */
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local paused = tonumber(redis.call('GET', KEYS[2]) or '0') or 0
if paused > now then return { 0, paused - now } end
local requests = tonumber(ARGV[1])
if requests > 0 then
  local window = tonumber(ARGV[2])
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
  local count = redis.call('ZCARD', KEYS[1])
  if count >= requests then
    local oldest = redis.call('ZRANGE', KEYS[1], count - requests, count - requests, 'WITHSCORES')
    local score = tonumber(oldest[2])
    if score > now then return { 0, -1 } end
    local at = score + window
    if at - now < 1 then return { 0, 1 } end
    return { 0, at - now }
  end
  local hold = tonumber(ARGV[4])
  redis.call('ZADD', KEYS[1], now + hold, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window + hold + 1000)
end
return { 1, 0 }
`;

/** Re-scores a settled grant at the server's `now`: from here it leaves the window like any other. */
const SETTLE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return redis.call('ZADD', KEYS[1], 'XX', now, ARGV[1])
`;

/** How often a head waiting on another worker's in-flight request asks again. */
const IN_FLIGHT_POLL_MS = 10;

/**
 * Raises the pause to `now + ARGV[1]` by the server's clock (callers pass a
 * duration, so a worker whose clock is off still pauses for the right time);
 * a shorter pause never lowers a longer one.
 */
const PAUSE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local untilMs = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
if untilMs <= current then return current end
redis.call('SET', KEYS[1], untilMs, 'PX', tonumber(ARGV[1]) + 1000)
return untilMs
`;

/**
 * The budget of one source shared by every worker through Redis, the
 * distributed counterpart of {@link SlidingWindowBudget}:
 *
 * - declared: a true sliding window over grant times kept in a sorted set,
 *   checked and taken atomically by a Lua script on Redis's own clock, with
 *   the in-process budget's jitter guard, at least 100 ms (see
 *   {@link distributedGuardMs});
 * - paused: `pauseUntil` (a 429 one worker saw) is stored in Redis, only
 *   ever raised, so every worker holds;
 * - learned: `observe` feeds an in-process {@link LearnedLimit}. The counts a
 *   server announces already include every worker's traffic, so each worker
 *   learning them from its own responses needs no sharing; it only adds a
 *   wait when the server says its window is spent.
 *
 * Within one process waiters queue first come, first served and only the
 * head polls Redis, so a walk's concurrent requests cost one round trip per
 * grant rather than a thundering herd of retries.
 */
export class RedisSlidingWindowBudget implements RateBudget {
  readonly #redis: Redis;
  readonly #declared: DeclaredLimit | undefined;
  readonly #windowMs: number;
  readonly #grantsKey: string;
  readonly #pauseKey: string;
  readonly #learned = new LearnedLimit();
  /** Makes grant members unique across workers. */
  readonly #instance = randomBytes(6).toString('hex');
  /** 0 when grants count from their grant; else how long an unsettled grant holds its slot. */
  readonly #holdMs: number;
  readonly #outageMs: number;
  readonly #source: string;
  /** This process's grants not yet settled, oldest first (which one settles does not matter: only their times do). */
  readonly #unsettled: string[] = [];
  #counter = 0;
  readonly #queue: BudgetWaiter[] = [];
  #pumping = false;
  #closed = false;
  /** Ends the pump's current sleep early (an abort at the head, close). */
  #wake: (() => void) | undefined;

  constructor(options: RedisSlidingWindowBudgetOptions) {
    this.#redis = options.redis;
    this.#declared = resolveRateLimitOptions({ requests: options.requests, per: options.per }, `sources.${options.source}.rateLimit`);
    this.#holdMs = options.holdUntilSettled ? (options.holdMs ?? 60_000) : 0;
    this.#outageMs = options.outageMs ?? REDIS_OUTAGE_MS;
    this.#source = options.source;
    const guard = options.holdUntilSettled ? settleGuardMs : distributedGuardMs;
    this.#windowMs = this.#declared ? this.#declared.perMs + (options.guardMs ?? guard(this.#declared.perMs)) : 0;
    // The hash tag keeps both keys in one slot, as a script needs on a cluster.
    const base = `${options.prefix ?? 'siphon'}:budget:{${options.source}}`;
    this.#grantsKey = `${base}:grants`;
    this.#pauseKey = `${base}:pause`;
  }

  /** The declared limit, if any. */
  get declared(): DeclaredLimit | undefined {
    return this.#declared;
  }

  acquire(signal?: AbortSignal): Promise<number> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#closed) return Promise.reject(budgetClosedError());
    return new Promise<number>((resolve, reject) => {
      const waiter: BudgetWaiter = { since: Date.now(), resolve, reject, signal, onAbort: () => this.#leave(waiter) };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.#queue.push(waiter);
      void this.#pump();
    });
  }

  observe(observation: RateLimitObservation): void {
    this.#learned.observe(observation, Date.now());
  }

  async pauseUntil(until: number): Promise<void> {
    this.#learned.refused(Date.now());
    const ms = Math.ceil(until - Date.now());
    if (!Number.isFinite(ms) || ms <= 0) return;
    await this.#patiently(() => this.#script(PAUSE, [this.#pauseKey], [String(ms)]));
    // The head may be asleep on a shorter wait; let it see the pause.
    this.#wake?.();
  }

  settle(): void {
    this.#learned.settle();
    const member = this.#unsettled.shift();
    if (member === undefined) return;
    // Not awaited: the request's answer is not held up by the bookkeeping. A
    // failed settle leaves the slot held until holdMs has passed, the safe side.
    this.#script(SETTLE, [this.#grantsKey], [member]).then(
      () => this.#wake?.(),
      () => undefined,
    );
  }

  /** Rejects every waiter; the Redis connection belongs to the caller and stays open. */
  async close(): Promise<void> {
    this.#closed = true;
    rejectWaiters(this.#queue);
    this.#wake?.();
  }

  /** Serves the queue head by head: ask Redis, grant or sleep for the wait it names, repeat. */
  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#queue.length > 0 && !this.#closed) {
        const learnedAt = this.#learned.availableAt(Date.now());
        if (learnedAt > Date.now()) {
          await this.#sleep(learnedAt - Date.now());
          continue;
        }
        let waitMs: number;
        try {
          waitMs = await this.#tryGrant();
        } catch (error) {
          // A script error is not a wait: the request fails, with the cause.
          this.#settleHead((waiter) =>
            waiter.reject(
              error instanceof RedisUnavailableError
                ? error
                : new SiphonError(`rate budget: Redis failed: ${(error as Error).message}`, { cause: error }),
            ),
          );
          continue;
        }
        if (waitMs > 0) {
          await this.#sleep(waitMs);
          continue;
        }
        this.#learned.consume(Date.now());
        // Granted; a head that aborted during the round trip passes the grant on.
        if (!this.#settleHead((waiter) => waiter.resolve(Date.now() - waiter.since))) {
          this.settle(); // nobody is left to use the grant: give its slot back
          break;
        }
      }
    } finally {
      this.#pumping = false;
    }
  }

  /** Settles the first waiter still waiting; `false` when none is. */
  #settleHead(settle: (waiter: BudgetWaiter) => void): boolean {
    const waiter = this.#queue.shift();
    if (!waiter) return false;
    waiter.signal?.removeEventListener('abort', waiter.onAbort);
    settle(waiter);
    return true;
  }

  /** 0 when a grant was taken, else the milliseconds to wait. */
  async #tryGrant(): Promise<number> {
    this.#counter += 1;
    const member = `${this.#instance}-${this.#counter}`;
    const reply = (await this.#patiently(() =>
      this.#script(
        ACQUIRE,
        [this.#grantsKey, this.#pauseKey],
        [String(this.#declared?.requests ?? 0), String(this.#windowMs), member, String(this.#holdMs)],
      ),
    )) as [number, number];
    if (reply[0] === 1) {
      if (this.#holdMs > 0 && this.#declared) this.#unsettled.push(member);
      return 0;
    }
    return Number(reply[1]) < 0 ? IN_FLIGHT_POLL_MS : Math.max(1, Number(reply[1]));
  }

  #sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, Math.min(ms, MAX_TIMER_MS));
      const wake = (): void => done();
      this.#wake = wake;
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
    }).finally(() => {
      this.#wake = undefined;
    });
  }

  #leave(waiter: BudgetWaiter): void {
    const index = this.#queue.indexOf(waiter);
    if (index < 0) return;
    this.#queue.splice(index, 1);
    waiter.reject(waiter.signal?.reason);
    // The pump may be sleeping for this waiter; the next head has its own wait to learn.
    if (index === 0) this.#wake?.();
  }

  /**
   * `call`, waited for through a Redis outage of up to `outageMs`: a
   * connection that queues commands until it is back (`maxRetriesPerRequest:
   * null`) is waited on, one that fails them is asked again with a doubling
   * wait. Past the bound, a {@link RedisUnavailableError}. A grant that Redis
   * applies after it was given up on holds its slot until it leaves the
   * window (or `holdMs`): the safe side.
   */
  async #patiently<T>(call: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.#outageMs;
    let lastError: unknown;
    for (let attempt = 0; ; attempt += 1) {
      const left = deadline - Date.now();
      if (left <= 0 || this.#closed) break;
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        call().then(
          (value) => ({ value }),
          (error: unknown) => ({ error }),
        ),
        new Promise<undefined>((resolve) => {
          timer = setTimeout(() => resolve(undefined), left);
        }),
      ]).finally(() => clearTimeout(timer));
      if (outcome === undefined) break;
      if (!('error' in outcome)) return outcome.value;
      if (!isConnectionError(outcome.error)) throw outcome.error;
      lastError = outcome.error;
      await this.#sleep(Math.min(OUTAGE_RETRY_MS[Math.min(attempt, OUTAGE_RETRY_MS.length - 1)] ?? 2000, deadline - Date.now()));
    }
    if (this.#closed) throw budgetClosedError();
    throw new RedisUnavailableError(this.#source, this.#outageMs, { cause: lastError });
  }

  /** EVALSHA, loading the script on a NOSCRIPT miss (after a Redis restart, say). */
  async #script(script: string, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    const sha = scriptSha(script);
    try {
      return await this.#redis.evalsha(sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!String((error as Error).message).includes('NOSCRIPT')) throw error;
      return this.#redis.eval(script, keys.length, ...keys, ...args);
    }
  }
}

const shas = new Map<string, string>();
function scriptSha(script: string): string {
  let sha = shas.get(script);
  if (!sha) {
    sha = createHash('sha1').update(script).digest('hex');
    shas.set(script, sha);
  }
  return sha;
}
