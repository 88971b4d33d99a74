import type { RateLimitObservation } from '../types.js';

/**
 * Resets computed from delta-seconds headers jitter by the rounding to whole
 * seconds plus differences in response latency: two resets this close are
 * taken for the same server window.
 */
const SAME_WINDOW_MS = 1000;

/**
 * Reset headers in whole seconds (`X-RateLimit-Reset`, delta seconds) are
 * rounded up, so the window may end this much before the reset they name.
 * A reset predicted from the window's learned length is never trusted
 * further ahead of the announced one than that.
 */
const RESET_ROUNDING_MS = 1000;

/**
 * A budget that starts each window on the whole second its last one was
 * announced to reset at learns nothing shorter than the rounded span, and
 * stays locked to whole seconds. Once, it starts a window this much later
 * than the reset instead: the span it learns from that window is shorter by
 * as much, and the windows it ends by prediction from then on start at
 * fractions of a second that do not repeat (0.382 s is the golden section
 * of a second), each a chance to learn a shorter span.
 */
const PROBE_MS = 382;

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
 * from the previous one and is ignored. Once the window has ended the count
 * lapses until a response teaches the next one; a declared limit, when
 * configured, keeps the first burst of the new window in check.
 *
 * The window's length is learned too. A reset rounded up to whole seconds
 * ends each window up to a second late, and a client that starts the next
 * window at that whole second makes the server's next reset round up by
 * almost a full second again: with a 5 s window, 6 s a window. A window that
 * starts with this budget's first grant after the last one ended (servers
 * that start a window with its first request do) lasts at most from that
 * grant to its reset: the smallest such span over the windows seen is the
 * length, and a window then ends that long after its first answer arrived
 * (never more than {@link RESET_ROUNDING_MS} before the reset it announces).
 * If a server refuses a request sent on such a prediction (its windows are
 * on the clock, or shared with other clients), the budget stops predicting.
 */
export class LearnedLimit {
  /** Grants still allowed before `#endsAt`. */
  #allowance = Infinity;
  /** Epoch ms of the learned window's reset as the server announced it; before it nothing is known. */
  #resetAt = 0;
  /** Epoch ms the learned window is taken to end: `#resetAt`, or earlier when predicted from its length. */
  #endsAt = 0;
  /** Granted requests not yet settled (answered or failed): the server may not have counted them yet. */
  #inFlight = 0;
  /** Whether grants are settled at all: a caller that never settles would otherwise look ever more in flight. */
  #settling = false;
  /** The first grant after the known window ended (or before any was known): the next window cannot start before it. */
  #firstGrantAt: number | undefined;
  /** The shortest span from a window's first grant to its announced reset: at least the window's length. */
  #windowMs = Infinity;
  /** Whether the current window's end was predicted; a refusal before its announced reset disproves that. */
  #predicted = false;
  /** Cleared for good once a prediction was refused. */
  #predicting = true;
  /** Whether a window was started {@link PROBE_MS} late already. */
  #probed = false;

  observe(observation: RateLimitObservation, now: number): void {
    const { remaining, resetAt } = observation;
    // A count without a reset time cannot be turned into a wait.
    if (remaining === undefined || resetAt === undefined) return;
    if (!Number.isFinite(remaining) || remaining < 0 || !Number.isFinite(resetAt) || resetAt <= now) return;
    // The count describes the server before the requests still in flight reached it: they are
    // spent from it too, or a window's first report lets the budget overshoot by that many.
    const count = Math.max(0, Math.floor(remaining) - (this.#settling ? this.#inFlight : 0));
    const known = now < this.#endsAt;
    if (resetAt > this.#resetAt + SAME_WINDOW_MS) {
      // The first answer of a new window.
      const first = this.#firstGrantAt;
      const learned = this.#windowMs < Infinity;
      this.#firstGrantAt = undefined;
      if (first !== undefined) this.#windowMs = Math.min(this.#windowMs, resetAt - first);
      this.#allowance = count;
      this.#resetAt = resetAt;
      const predicted = this.#predicting ? Math.max(resetAt - RESET_ROUNDING_MS, now + this.#windowMs) : resetAt;
      this.#predicted = predicted < resetAt;
      this.#endsAt = Math.min(resetAt, predicted);
      if (!this.#predicted && this.#predicting && !this.#probed && learned && first !== undefined && resetAt % 1000 === 0) {
        this.#probed = true;
        this.#endsAt = resetAt + PROBE_MS;
      }
    } else if (resetAt >= this.#resetAt - SAME_WINDOW_MS) {
      if (known) {
        this.#allowance = Math.min(this.#allowance, count);
      } else if (!this.#predicted) {
        // A window that had lapsed reports again (a sliding window frees a slot at a time): start over from it.
        this.#allowance = count;
        this.#endsAt = resetAt;
      }
      // Else a window ended by prediction: its late answers say nothing of the next one.
      this.#resetAt = Math.max(this.#resetAt, resetAt);
      if (!this.#predicted) this.#endsAt = Math.max(this.#endsAt, resetAt);
    }
  }

  /** Epoch ms from which one more request is allowed; `now` when it is allowed already. */
  availableAt(now: number): number {
    if (now >= this.#endsAt || this.#allowance > 0) return now;
    return this.#endsAt;
  }

  /** Counts one granted request against the learned window, and as in flight until {@link settle}. */
  consume(now: number): void {
    this.#inFlight += 1;
    if (now < this.#endsAt) this.#allowance -= 1;
    else this.#firstGrantAt ??= now;
  }

  /** One granted request was answered or failed (call it before observing its answer). */
  settle(): void {
    this.#settling = true;
    if (this.#inFlight > 0) this.#inFlight -= 1;
  }

  /**
   * The server refused a request (and asked for a pause). Refused before the
   * announced reset of a window whose end was predicted, the prediction was
   * wrong: the window lasts until its announced reset, and no later window's
   * end is predicted again.
   */
  refused(now: number): void {
    if (!this.#predicted || now >= this.#resetAt) return;
    this.#predicting = false;
    this.#predicted = false;
    this.#endsAt = this.#resetAt;
    this.#allowance = 0;
    this.#firstGrantAt = undefined;
  }
}
