import type { JsonValue } from '../util/json.js';
import type { RunRecord, RunStatus, RunTrigger } from './types.js';

/** Which runs `store.runs.page` returns, newest first. */
export interface RunPageQuery {
  readonly resource?: string | undefined;
  readonly status?: RunStatus | undefined;
  readonly trigger?: RunTrigger | undefined;
  /** Runs started at or after this ISO-8601 UTC time. */
  readonly from?: string | undefined;
  /** Runs started before this ISO-8601 UTC time. */
  readonly to?: string | undefined;
  /** Runs older than this run id (the `older` of a page). */
  readonly before?: number | undefined;
  /** Runs newer than this run id (the `newer` of a page). */
  readonly after?: number | undefined;
  /**
   * At most 500.
   * @default 50
   */
  readonly limit?: number | undefined;
}

export interface RunPage {
  /** Newest first. */
  readonly runs: readonly RunRecord[];
  /** `before` for the next page of older runs; `undefined` when there are none. */
  readonly older: number | undefined;
  /** `after` for the page of newer runs; `undefined` when there are none. */
  readonly newer: number | undefined;
}

/** One moment of a run's timeline as the sync records it. */
export interface RunEventInput {
  /** ISO-8601 UTC. */
  readonly at: string;
  /** `page`, `retry`, `throttle`, `commit`, … (see the sync's run events). */
  readonly type: string;
  readonly data: JsonValue;
}

export interface RunEvent extends RunEventInput {
  /** Grows with every event of every run: a live view asks for the events after the last it has. */
  readonly id: number;
  readonly runId: number;
}

/** `store.runs.events`: each run's timeline, bounded to its newest 1,000 events. */
export interface StoreRunEvents {
  append(runId: number, events: readonly RunEventInput[]): Promise<void>;
  /** Oldest first. */
  list(runId: number, options?: { after?: number | undefined; limit?: number | undefined }): Promise<RunEvent[]>;
  /** The run's newest event of `type` (its last page, say), through the (run, id) index. */
  latest(runId: number, type: string): Promise<RunEvent | undefined>;
}
