import type { ClientEvent } from '../http/client-options.js';
import type { WidenedColumn } from '../store/column-widening.js';
import type { RunTally } from '../store/run-tally.js';
import type { RunRecord } from '../store/types.js';

/** An API's own account of its limit, from a response's rate-limit headers (`X-RateLimit-*`, IETF `RateLimit`). */
export interface ApiRateLimit {
  readonly limit?: number | undefined;
  readonly remaining?: number | undefined;
  /** ISO-8601 UTC. */
  readonly resetAt?: string | undefined;
}

/** What a sync reports while it works: for progress bars, the runtime and the admin. */
export type SyncEvent =
  | {
      readonly type: 'run-start';
      readonly resource: string;
      readonly runId: number;
      readonly attempt: number;
      readonly resumed: boolean;
      /** The resource had no run before this one (its table may not exist yet). */
      readonly first: boolean;
    }
  /** The tally is this attempt's so far (child walks included); `committed` counts earlier attempts too. */
  | (RunTally & {
      readonly type: 'progress';
      readonly resource: string;
      readonly runId: number;
      /** Records committed in the run so far, earlier attempts included. */
      readonly committed: number;
      /** Records the API announced for the walk, when it did (for an ETA). */
      readonly total: number | undefined;
      /** A fan-out child: parent rows whose walks are committed, of how many (the child's own total is rarely known). */
      readonly parents?: { readonly done: number; readonly total: number } | undefined;
    })
  /** A page arrived; it commits with its batch (see `progress`). */
  | {
      readonly type: 'page';
      readonly resource: string;
      readonly runId: number;
      /** 0-based within its walk (each parent row's walk counts from 0). */
      readonly index: number;
      readonly records: number;
      /** Requests it took: 1 plus its retries. */
      readonly attempts: number;
      readonly waitedMs: number;
      readonly status: number;
      /** Redacted. */
      readonly url: string;
      /** What the response's rate-limit headers said is left of the API's limit, when they said. */
      readonly rateLimit?: ApiRateLimit | undefined;
      /** A fan-out child: parent rows whose walks have ended, of how many. */
      readonly parents?: { readonly done: number; readonly total: number } | undefined;
    }
  | { readonly type: 'detected'; readonly resource: string; readonly description: string }
  /** Incremental: the range the run asks for (`to` is `null` when no end is sent). */
  | { readonly type: 'range'; readonly resource: string; readonly from: string | null; readonly to: string | null }
  /** Incremental windows: one window's walk starts. */
  | { readonly type: 'window'; readonly resource: string; readonly start: string | null; readonly end: string }
  /** An inferred column was retyped in place, committed with the batch that needed it (`current_price` bigint → decimal). */
  | (WidenedColumn & { readonly type: 'widened'; readonly resource: string })
  /** Something the run did not fail for but someone should know (more records than the API announced). */
  | { readonly type: 'warning'; readonly resource: string; readonly message: string }
  | (ClientEvent & { readonly resource: string })
  /** Another process holds the resource's lease; the run waits for it (see `leaseWaitMs`). */
  | { readonly type: 'lease-wait'; readonly resource: string; readonly holder: string }
  | { readonly type: 'skipped'; readonly resource: string; readonly reason: string; readonly run: RunRecord }
  | { readonly type: 'run-end'; readonly resource: string; readonly run: RunRecord; readonly error: Error | undefined };
