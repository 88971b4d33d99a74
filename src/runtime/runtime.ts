import type { RunRecord, RunTrigger } from '../store/types.js';
import type { SyncEvent } from '../sync/sync-events.js';

/**
 * What runs resources on their schedules: the embedded runtime (one process,
 * croner) or the distributed one (BullMQ). `start` returns once the schedules
 * are armed, not when runs end.
 */
export interface Runtime {
  start(): Promise<void>;
  /**
   * Stops taking runs, interrupts the ones going (each keeps its last committed
   * batch as its checkpoint) and releases what the runtime opened. The store
   * belongs to the caller and stays open.
   */
  close(options?: RuntimeCloseOptions): Promise<void>;
}

export interface RuntimeCloseOptions {
  /**
   * How long to wait for interrupted runs to record their checkpoint before
   * releasing resources anyway.
   * @default 10_000
   */
  readonly timeoutMs?: number | undefined;
}

/** A failed run will run again (trigger `retry`, from its checkpoint) after `delayMs`; both runtimes report it. */
export interface RetryScheduledEvent {
  readonly type: 'retry-scheduled';
  readonly resource: string;
  /** 1-based number of this retry. */
  readonly retry: number;
  readonly retries: number;
  readonly delayMs: number;
  readonly error: Error;
}

/** A failed run will not run again until its next tick: the error is permanent, or the retries are spent. */
export interface GaveUpEvent {
  readonly type: 'gave-up';
  readonly resource: string;
  readonly run: RunRecord | undefined;
  readonly error: Error;
  readonly retried: number;
}

/** Events of the runtime itself; runs add their {@link SyncEvent}s unchanged. */
export type SchedulerEvent =
  /** A cron tick fired and starts a run. */
  | { readonly type: 'tick'; readonly resource: string; readonly schedule: string; readonly at: Date }
  /**
   * At start, a resource that missed at least one tick while nothing ran it, or
   * whose last run a shutdown interrupted, runs once now.
   */
  | { readonly type: 'catch-up'; readonly resource: string; readonly missedAt: Date | undefined; readonly lastRun: RunRecord | undefined }
  /** The resource's newest run was left `running` by a process that stopped; it is resumed now. */
  | { readonly type: 'recovery'; readonly resource: string; readonly runId: number; readonly heartbeatAt: string | null }
  | (RetryScheduledEvent & {
      /** `undefined` when the run could not even start (the store failed). */
      readonly run: RunRecord | undefined;
    })
  | GaveUpEvent
  /** Something failed outside any run (the store, a listener); the runtime keeps going. */
  | {
      readonly type: 'runtime-error';
      readonly resource: string | undefined;
      readonly trigger: RunTrigger | undefined;
      readonly error: Error;
    }
  /** `close` stopped waiting while these resources were still running. */
  | { readonly type: 'close-timeout'; readonly resources: readonly string[]; readonly timeoutMs: number };

export type RuntimeEvent = SchedulerEvent | SyncEvent;
