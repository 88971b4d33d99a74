import { isConnectionLost } from '../store/connection-lost.js';
import { delay } from '../util/delay.js';

/** First wait after a lost connection; it doubles up to {@link MAX_WAIT_MS}. */
const FIRST_WAIT_MS = 250;
const MAX_WAIT_MS = 5_000;

export interface OutageOptions {
  /** How long, from the first lost connection, the step is tried again; then its error is thrown. */
  readonly outageMs: number;
  readonly signal: AbortSignal;
  /** What the step is, for the log line: `committing batch 3`. */
  readonly what: string;
  /** Each wait before reconnecting, as one line for the log. */
  readonly onWait: (message: string) => void;
}

/**
 * Runs a database step, and while it fails because the connection was lost
 * (see {@link isConnectionLost}) tries it again on a new connection with a
 * doubling wait, for up to `outageMs`: a database restart or failover costs
 * the run a pause instead of the run. Any other error, an abort, or an
 * outage longer than that is thrown as it came.
 */
export async function rideOutOutage<T>(
  step: () => Promise<T>,
  options: OutageOptions,
  /**
   * After a lost connection, before trying again: the step's result when it
   * took effect anyway (a COMMIT the server applied before the connection
   * dropped), else `undefined`. Reading it may fail on a lost connection
   * too; that is waited out like the step.
   */
  landed?: () => Promise<{ readonly value: T } | undefined>,
): Promise<T> {
  let deadline: number | undefined;
  let wait = FIRST_WAIT_MS;
  let checkLanded = false;
  for (;;) {
    try {
      const already = checkLanded ? await landed?.() : undefined;
      if (already) return already.value;
      return await step();
    } catch (error) {
      if (!isConnectionLost(error) || options.signal.aborted) throw error;
      deadline ??= Date.now() + options.outageMs;
      const left = deadline - Date.now();
      if (left <= 0) throw error;
      const ms = Math.min(wait, left);
      options.onWait(
        `lost the database connection ${options.what} (${describe(error)}); reconnecting in ${(ms / 1000).toFixed(1)} s ` +
          `(gives up ${Math.ceil(left / 1000)} s from now)`,
      );
      await delay(ms, options.signal);
      wait = Math.min(wait * 2, MAX_WAIT_MS);
      // Only a step that may have been applied needs looking at before it is repeated.
      checkLanded = true;
    }
  }
}

function describe(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
}
