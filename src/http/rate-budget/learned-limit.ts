import type { RateLimitObservation } from '../types.js';

/**
 * Resets computed from delta-seconds headers jitter by the rounding to whole
 * seconds plus differences in response latency: two resets this close are
 * taken for the same server window.
 */
const SAME_WINDOW_MS = 1000;

/**
 * What the server said is left of its window: at most `remaining` more
 * requests before `resetAt`. Pure bookkeeping over an explicit `now`, so any
 * budget implementation (in-process or shared) can reuse it.
 *
 * An observation describes the server's state when it handled *that*
 * request, not when the response arrived, so requests granted and still in
 * flight are subtracted from the count it reports (a budget whose requests
 * are settled, as the HttpClient's are, keeps that number); without that the
 * budget overshot by up to the requests in flight once per window, and the
 * resulting 429 paused the source. Within a window the count only ever goes down (local grants and
 * lower reports both count; a higher report comes from an older response),
 * and a report whose reset lies before the known window is a late straggler
 * from the previous one and is ignored. Once `resetAt` has passed the count
 * lapses until a response teaches the next one; a declared limit, when
 * configured, keeps the first burst of the new window in check.
 */
export class LearnedLimit {
  /** Grants still allowed before `#resetAt`. */
  #allowance = Infinity;
  /** Epoch ms the learned window ends; before it nothing is known. */
  #resetAt = 0;
  /** Granted requests not yet settled (answered or failed): the server may not have counted them yet. */
  #inFlight = 0;
  /** Whether grants are settled at all: a caller that never settles would otherwise look ever more in flight. */
  #settling = false;

  observe(observation: RateLimitObservation, now: number): void {
    const { remaining, resetAt } = observation;
    // A count without a reset time cannot be turned into a wait.
    if (remaining === undefined || resetAt === undefined) return;
    if (!Number.isFinite(remaining) || remaining < 0 || !Number.isFinite(resetAt) || resetAt <= now) return;
    // The count describes the server before the requests still in flight reached it: they are
    // spent from it too, or a window's first report lets the budget overshoot by that many.
    const count = Math.max(0, Math.floor(remaining) - (this.#settling ? this.#inFlight : 0));
    const known = now < this.#resetAt;
    if (!known || resetAt > this.#resetAt + SAME_WINDOW_MS) {
      this.#allowance = count;
      this.#resetAt = resetAt;
    } else if (resetAt >= this.#resetAt - SAME_WINDOW_MS) {
      this.#allowance = Math.min(this.#allowance, count);
      this.#resetAt = Math.max(this.#resetAt, resetAt);
    }
  }

  /** Epoch ms from which one more request is allowed; `now` when it is allowed already. */
  availableAt(now: number): number {
    if (now >= this.#resetAt || this.#allowance > 0) return now;
    return this.#resetAt;
  }

  /** Counts one granted request against the learned window, and as in flight until {@link settle}. */
  consume(now: number): void {
    this.#inFlight += 1;
    if (now < this.#resetAt) this.#allowance -= 1;
  }

  /** One granted request was answered or failed (call it before observing its answer). */
  settle(): void {
    this.#settling = true;
    if (this.#inFlight > 0) this.#inFlight -= 1;
  }
}
