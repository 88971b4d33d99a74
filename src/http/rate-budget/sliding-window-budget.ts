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
  /**
   * Hold each request's slot until it is settled (see {@link RateBudget.settle})
   * instead of counting it from its grant. {@link HttpClient} settles every
   * grant and creates its own budgets this way; give `true` to a budget you
   * share between clients, and leave it off when nothing settles.
   * @default false
   */
  holdUntilSettled?: boolean;
}

/**
 * The in-process budget of one source. Three limits apply at once and the
 * strictest wins:
 *
 * - declared: at most `requests` requests in any window of `per` — a true
 *   sliding window, not fixed buckets, so no burst of 2 × `requests`
 *   straddles a bucket boundary. A request occupies its slot from its grant
 *   until `per` after it was settled (answered or failed, see
 *   {@link RateBudget.settle}): the server counted it somewhere in between,
 *   so a request held up on its way out (a busy event loop, an auth round
 *   trip) can never make the server see one too many;
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
  readonly #holdUntilSettled: boolean;
  /** Requests granted and not yet settled: each holds a slot until it is. */
  #pending = 0;
  /** Settle times still inside the window, oldest first from `#head`. */
  #settled: number[] = [];
  #head = 0;
  #pausedUntil = 0;
  readonly #queue: BudgetWaiter[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** The declared window plus a guard, see {@link jitterGuardMs}. */
  readonly #windowMs: number;

  constructor(options: SlidingWindowBudgetOptions = {}) {
    this.#declared = resolveRateLimitOptions(options);
    this.#holdUntilSettled = options.holdUntilSettled ?? false;
    const guard = this.#holdUntilSettled ? settleGuardMs : jitterGuardMs;
    this.#windowMs = this.#declared ? this.#declared.perMs + guard(this.#declared.perMs) : 0;
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
    this.#learned.refused(Date.now());
    if (!Number.isFinite(until) || until <= this.#pausedUntil) return;
    this.#pausedUntil = until;
    this.#pump();
  }

  settle(): void {
    this.#learned.settle();
    if (!this.#declared || !this.#holdUntilSettled || this.#pending === 0) return;
    this.#pending -= 1;
    this.#settled.push(Date.now());
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
        // No timer while every slot waits for a settle: that settle pumps.
        if (Number.isFinite(at)) this.#timer = setTimeout(() => this.#pump(), Math.min(at - now, MAX_TIMER_MS));
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
      const settled = this.#settled;
      while (this.#head < settled.length && (settled[this.#head] as number) <= now - this.#windowMs) this.#head += 1;
      if (this.#head > 1024 && this.#head * 2 > settled.length) {
        this.#settled = settled.slice(this.#head);
        this.#head = 0;
      }
      // Allowed once enough settled requests have left the window; pending ones never leave before they settle.
      const inWindow = this.#pending + this.#settled.length - this.#head;
      if (inWindow >= declared.requests) {
        const leaving = inWindow - declared.requests; // index among the settled ones, oldest first
        at =
          leaving < this.#settled.length - this.#head
            ? Math.max(at, (this.#settled[this.#head + leaving] as number) + this.#windowMs)
            : Infinity;
      }
    }
    return at;
  }

  #grant(now: number): void {
    if (this.#declared && this.#holdUntilSettled) this.#pending += 1;
    else if (this.#declared) this.#settled.push(now); // counted from the grant: nothing will settle it
    this.#learned.consume(now);
  }
}

/**
 * A request counted from its grant can reach the server a few milliseconds
 * late relative to the one whose slot it took (the two travel with different
 * delays), and a server counting arrivals then sees one request too many.
 * Spacing by 2 % more (10 ms to 1 s) absorbs that jitter for a throughput
 * cost of at most 2 %.
 */
export function jitterGuardMs(perMs: number): number {
  return Math.min(1000, Math.max(10, Math.round(perMs * 0.02)));
}

/**
 * A request counted from its settle cannot arrive after it, so only the
 * clocks' millisecond rounding and a server comparing with `<` or `<=` are
 * left: 0.2 % of the window, 2 ms to 1 s.
 */
export function settleGuardMs(perMs: number): number {
  return Math.min(1000, Math.max(2, Math.round(perMs * 0.002)));
}
