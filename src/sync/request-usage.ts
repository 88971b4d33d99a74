import type { ClientEvent } from '../http/client-options.js';
import type { RunTally } from '../store/run-tally.js';

/**
 * What an attempt's requests cost, from their events: retries and time
 * waited, whether or not the pages they were for were committed. A batch's
 * tally reaches the run's row with the batch; what is left when the attempt
 * ends (a page retried to exhaustion, pages fetched after the last commit or
 * ahead of the end) is added as the run closes, so a failed run never reads
 * `retries = 0`.
 */
export class RequestUsage {
  #retries = 0;
  #waitedMs = 0;
  #committedRetries = 0;
  #committedWaitedMs = 0;

  observe(event: ClientEvent): void {
    if (event.type === 'retry') {
      this.#retries += 1;
      // An announced wait is served by the rate budget, and counted by its `throttle` event.
      if (!event.announced) this.#waitedMs += event.waitMs;
    } else if (event.type === 'throttle') {
      this.#waitedMs += event.waitMs;
    }
  }

  committed(tally: RunTally): void {
    this.#committedRetries += tally.retries;
    this.#committedWaitedMs += tally.waitedMs;
  }

  /** Retries and waits not yet counted in the run's row. */
  uncommitted(): Pick<RunTally, 'retries' | 'waitedMs'> {
    return {
      retries: Math.max(0, this.#retries - this.#committedRetries),
      waitedMs: Math.max(0, this.#waitedMs - this.#committedWaitedMs),
    };
  }
}
