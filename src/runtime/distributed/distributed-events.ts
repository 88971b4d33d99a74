import type { RunTrigger } from '../../store/types.js';
import type { SyncEvent } from '../../sync/sync-events.js';
import type { GaveUpEvent, RetryScheduledEvent } from '../runtime.js';

/** What a distributed worker reports besides the runs' own {@link SyncEvent}s. */
export type WorkerEvent =
  /** The config's schedules are in Redis; `removed` left the config. */
  | { readonly type: 'schedules-synced'; readonly upserted: readonly string[]; readonly removed: readonly string[] }
  /** A schedule fired; `enqueued` is false when the tick was already handled or a run is already waiting or going. */
  | { readonly type: 'tick'; readonly resource: string; readonly at: Date; readonly enqueued: boolean }
  /** A run job starts on this worker. */
  | {
      readonly type: 'run-job';
      readonly resource: string;
      readonly jobId: string;
      readonly trigger: RunTrigger;
      readonly jobAttempt: number;
    }
  | (RetryScheduledEvent & { readonly jobId: string })
  | GaveUpEvent
  /** The worker is closing: an interrupted run goes back to the queue for another worker to resume. */
  | { readonly type: 'requeued'; readonly resource: string; readonly jobId: string }
  /** Redis, BullMQ or a listener failed outside any run; the worker keeps going (ioredis reconnects). */
  | { readonly type: 'worker-error'; readonly error: Error }
  /** `close` stopped waiting for these resources' runs and interrupted them. */
  | { readonly type: 'close-timeout'; readonly resources: readonly string[]; readonly timeoutMs: number };

export type DistributedEvent = WorkerEvent | SyncEvent;
