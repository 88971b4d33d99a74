import type { Duration } from '../../util/duration.js';
import type { RateBudget, RateLimitObservation } from '../types.js';
import { type BudgetWaiter, MAX_TIMER_MS, rejectWaiters } from './budget-waiter.js';
import { LearnedLimit } from './learned-limit.js';
import { type DeclaredLimit, resolveRateLimitOptions } from './rate-limit-options.js';

export interface SlidingWindowBudgetOptions {
  /** Requests allowed in any window of `per`; give both or neither. */
  requests?: number;
  /** The window length, e.g. `'1s'`, `'1m'`. */
  per?: Duration;
}

/**
 * The in-process budget of one source. Three limits apply at once and the
 * strictest wins:
 *
 * - declared: at most `requests` grants in any window of `per` — a true
 *   sliding window over the grant times, not fixed buckets, so no burst of
 *   2 × `requests` straddles a bucket boundary;
 * - learned: what responses announce (`remaining` before `resetAt`, see
 *   {@link LearnedLimit} for how stale reports are handled);
 * - paused: nothing is granted before a `pauseUntil` time, e.g. after a 429.
 *
 * Waiters are served first come, first served, so no request of a walk
 * starves behind later ones.
 */
export class SlidingWindowBudget implements RateBudget {
  readonly #declared: DeclaredLimit | undefined;
  readonly #learned = new LearnedLimit();
  /** Grant times still inside the window, oldest first from `#head`. */
  #grants: number[] = [];
  #head = 0;
  #pausedUntil = 0;
  readonly #queue: BudgetWaiter[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** The declared window plus a guard, see {@link jitterGuardMs}. */
  readonly #windowMs: number;

  constructor(options: SlidingWindowBudgetOptions = {}) {
    this.#declared = resolveRateLimitOptions(options);
    this.#windowMs = this.#declared ? this.#declared.perMs + jitterGuardMs(this.#declared.perMs) : 0;
  }

  /** The declared limit, if any. */
  get declared(): DeclaredLimit | undefined {
    return this.#declared;
  }

  acquire(signal?: AbortSignal): Promise<number> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const now = Date.now();
    if (this.#queue.length === 0 && this.#availableAt(now) <= now) {
      this.#grant(now);
      return Promise.resolve(0);
    }
    return new Promise<number>((resolve, reject) => {
      const waiter: BudgetWaiter = { since: now, resolve, reject, signal, onAbort: () => this.#leave(waiter) };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.#queue.push(waiter);
      this.#pump();
    });
  }

  observe(observation: RateLimitObservation): void {
    this.#learned.observe(observation, Date.now());
    this.#pump();
  }

  pauseUntil(until: number): void {
    if (!Number.isFinite(until) || until <= this.#pausedUntil) return;
    this.#pausedUntil = until;
    this.#pump();
  }

  /** Rejects every waiter, so a closed client leaves no request (and no timer) behind. */
  async close(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    rejectWaiters(this.#queue);
  }

  /** Grants to waiters in order for as long as the limits allow, then sleeps until the head's turn. */
  #pump(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const now = Date.now();
    while (this.#queue.length > 0) {
      const at = this.#availableAt(now);
      if (at > now) {
        // Timers may fire a millisecond early; the next pump re-checks and re-arms.
        this.#timer = setTimeout(() => this.#pump(), Math.min(at - now, MAX_TIMER_MS));
        return;
      }
      const waiter = this.#queue.shift() as BudgetWaiter;
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      this.#grant(now);
      waiter.resolve(now - waiter.since);
    }
  }

  #leave(waiter: BudgetWaiter): void {
    const index = this.#queue.indexOf(waiter);
    if (index < 0) return;
    this.#queue.splice(index, 1);
    waiter.reject(waiter.signal?.reason);
    if (this.#queue.length === 0) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }

  /** Epoch ms from which one more grant is allowed; `now` when it is allowed already. */
  #availableAt(now: number): number {
    let at = Math.max(now, this.#pausedUntil, this.#learned.availableAt(now));
    const declared = this.#declared;
    if (declared) {
      const grants = this.#grants;
      while (this.#head < grants.length && (grants[this.#head] as number) <= now - this.#windowMs) this.#head += 1;
      if (this.#head > 1024 && this.#head * 2 > grants.length) {
        this.#grants = grants.slice(this.#head);
        this.#head = 0;
      }
      // Allowed once the grant `requests` back has left the window.
      const inWindow = this.#grants.length - this.#head;
      if (inWindow >= declared.requests) {
        at = Math.max(at, (this.#grants[this.#grants.length - declared.requests] as number) + this.#windowMs);
      }
    }
    return at;
  }

  #grant(now: number): void {
    if (this.#declared) this.#grants.push(now);
    this.#learned.consume(now);
  }
}

/**
 * A grant made exactly as the oldest one leaves the window can reach the
 * server a few milliseconds early relative to it (the two requests travel
 * with different delays), and a server counting arrivals in the same window
 * then sees one request too many. Spacing by 2 % more (10 ms to 1 s) absorbs
 * that jitter for a throughput cost of at most 2 %.
 */
export function jitterGuardMs(perMs: number): number {
  return Math.min(1000, Math.max(10, Math.round(perMs * 0.02)));
}
