import type { RunStatus, RunTrigger } from '../../store/types.js';

/** The one queue every worker of a deployment shares. */
export const QUEUE_NAME = 'siphon';

/** A schedule fired: its job only enqueues a run. */
export const TICK_JOB = 'tick';
/** A run of one resource. */
export const RUN_JOB = 'run';
/** The name of Siphon's backoff strategy in a run job's `backoff.type`. */
export const RUN_BACKOFF = 'siphon-run';

export interface TickData {
  /** `source.resource`. */
  readonly resource: string;
}

export interface RunData {
  readonly resource: string;
  /** Epoch ms of the schedule tick that asked for the run; absent for runs enqueued by hand. */
  readonly tick?: number | undefined;
  /** @default 'schedule' */
  readonly trigger?: Extract<RunTrigger, 'schedule' | 'manual'> | undefined;
}

export type SiphonJobData = TickData | RunData;

export interface TickResult {
  readonly resource: string;
  readonly tick: number;
  /** `false` when an earlier (or the same) tick was handled already, or the resource left the config. */
  readonly enqueued: boolean;
  readonly runJobId?: string | undefined;
}

export interface RunResult {
  readonly resource: string;
  readonly runId: number;
  readonly status: RunStatus;
  readonly attempt: number;
  readonly records: number;
  readonly tick?: number | undefined;
}

/** A run job's progress, as `job.updateProgress` reports it. */
export interface RunProgress {
  /** Pages fetched in this attempt. */
  readonly pages: number;
  /** Records fetched in this attempt. */
  readonly records: number;
}
