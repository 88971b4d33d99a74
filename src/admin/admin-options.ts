import type { ResolvedConfig } from '../config/types.js';
import type { Store } from '../store/types.js';
import type { RunNow } from './run-now.js';

export interface AdminAppOptions {
  readonly config: ResolvedConfig;
  /** Initialised; the caller closes it after the app. */
  readonly store: Store;
  /** The admin token, at least 16 characters: `SIPHON_ADMIN_TOKEN`, or one from `generateAdminToken()`. */
  readonly token: string;
  /** How Run now starts a run; without it the admin only reads (Run now answers 409). */
  readonly runNow?: RunNow | undefined;
  /**
   * A fetch handler mounted at `GET /metrics`, behind the same token guard
   * (Prometheus text, for instance).
   */
  readonly metrics?: ((request: Request) => Promise<Response>) | undefined;
  /**
   * Serves `/metrics` without the token, for a scraper that cannot send one.
   * @default false
   */
  readonly metricsPublic?: boolean | undefined;
  /**
   * Runs each overview sparkline (and the API's resource summaries) covers.
   * @default 30
   */
  readonly sparklineRuns?: number | undefined;
  /**
   * How long Run now waits for the run to appear in the history before
   * pointing at the history instead (a queued run waits for a worker).
   * @default 3000
   */
  readonly runStartWaitMs?: number | undefined;
  /**
   * How often a live run view reads the run's progress.
   * @default 500
   */
  readonly livePollMs?: number | undefined;
  /** @default Date.now */
  readonly now?: (() => number) | undefined;
}

export const ADMIN_DEFAULTS = { sparklineRuns: 30, runStartWaitMs: 3000, livePollMs: 500, now: Date.now } as const;
