import type { RunEvent } from '../store/run-history-types.js';
import type { RunRecord, Store } from '../store/types.js';
import type { ErrorLink } from '../sync/error-chain.js';
import { AdminHttpError } from './admin-http-error.js';

/** Where a run stands: its record plus what the timeline adds (rate, ETA, the error's chain). */
export interface RunProgress {
  readonly run: RunRecord;
  readonly elapsedMs: number;
  /** Records per second over the run so far. */
  readonly recordsPerSecond: number;
  /** Records the API announced for the walk, when it did. */
  readonly total: number | undefined;
  /** Time left at the current rate, when a total is known and the run goes on. */
  readonly etaMs: number | undefined;
  /** The error and its causes, outermost first, when the run failed. */
  readonly errorChain: readonly ErrorLink[] | undefined;
}

export async function findRun(store: Store, id: number): Promise<RunRecord> {
  const run = await store.runs.get(id);
  if (!run) throw new AdminHttpError(404, `no run ${id}`);
  return run;
}

/** What a run's timeline says beyond its record: the announced total, the error's chain. */
export interface TimelineFacts {
  readonly total: number | undefined;
  readonly errorChain: readonly ErrorLink[] | undefined;
}

export function timelineFacts(
  events: readonly RunEvent[],
  known: TimelineFacts = { total: undefined, errorChain: undefined },
): TimelineFacts {
  let { total, errorChain } = known;
  for (const event of events) {
    const data = event.data as Record<string, unknown> | null;
    if (event.type === 'progress' && typeof data?.total === 'number') total = data.total;
    if (event.type === 'run-end') errorChain = Array.isArray(data?.error) ? (data.error as ErrorLink[]) : undefined;
  }
  return { total, errorChain };
}

/** The run's progress from its record and what its timeline said. */
export function runProgress(run: RunRecord, facts: TimelineFacts, now: number): RunProgress {
  const elapsedMs = Math.max(0, (run.finishedAt ? Date.parse(run.finishedAt) : now) - Date.parse(run.startedAt));
  const recordsPerSecond = elapsedMs > 0 ? (run.records * 1000) / elapsedMs : 0;
  const { total } = facts;
  const etaMs =
    run.status === 'running' && total !== undefined && recordsPerSecond > 0
      ? Math.max(0, ((total - run.records) / recordsPerSecond) * 1000)
      : undefined;
  // A chain only explains the run's current error; a run that failed and then succeeded has none.
  const errorChain = run.error === null ? undefined : (facts.errorChain ?? [{ name: 'Error', message: run.error }]);
  return { run, elapsedMs, recordsPerSecond, total, etaMs, errorChain };
}
