import { delay } from '../util/delay.js';
import { AdminHttpError } from './admin-http-error.js';
import type { AdminState } from './admin-state.js';
import type { RunNowResult } from './run-now.js';

export interface TriggeredRun extends RunNowResult {
  /** The run's id once it shows in the history (or the run already going, when busy). */
  readonly runId: number | undefined;
}

/**
 * Run now: asks the runner for a run, then waits (a little) for its row, so
 * the caller can follow the run itself rather than the history.
 */
export async function triggerRun(state: AdminState, resourceId: string): Promise<TriggeredRun> {
  const resource = state.resource(resourceId);
  if (!state.runNow) throw new AdminHttpError(409, 'this admin only reads: it was started without a way to run resources');
  const newest = async () => (await state.store.runs.list({ resource: resource.id, limit: 5 })).find((run) => run.status !== 'skipped');
  const before = (await state.store.runs.list({ resource: resource.id, limit: 1 }))[0]?.id ?? 0;
  const previous = await newest();
  const result = await state.runNow.run(resource);
  if (result.status === 'busy') {
    const current = await newest();
    return { ...result, runId: current?.status === 'running' ? current.id : undefined };
  }
  // Real time, not the app's clock (which a test may hold still): this is a wait.
  const deadline = Date.now() + state.runStartWaitMs;
  for (;;) {
    const run = await newest();
    // A resumed run keeps its id: then the newest real run is running again.
    const resumed = run !== undefined && run.id === previous?.id && run.status === 'running' && previous.status !== 'running';
    if (run && (run.id > before || resumed)) return { ...result, runId: run.id };
    if (Date.now() >= deadline) return { ...result, runId: undefined };
    await delay(100);
  }
}
