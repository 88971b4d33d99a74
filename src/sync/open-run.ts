import type { RunRecord, RunTrigger, StoreRuns } from '../store/types.js';
import { readCheckpoint, type SyncCheckpoint } from './checkpoint.js';

/** The run an attempt works on and, when it resumes one, where that run stopped. */
export interface OpenedRun {
  readonly run: RunRecord;
  readonly checkpoint: SyncCheckpoint | undefined;
  /** No run of the resource was recorded before this one. */
  readonly first: boolean;
}

export interface OpenRunOptions {
  readonly trigger: RunTrigger;
  readonly worker: string;
  /** Close an unfinished run as failed and start from the first page. */
  readonly fresh: boolean;
}

/**
 * Resumes the resource's unfinished run from its checkpoint, or starts a new
 * one. A run that was interrupted (or died: still marked `running`) is
 * resumed as the same row; a failed one keeps its row as it ended, and a new
 * run continues from its checkpoint (which a failure that cannot pass next
 * time never leaves, see `runResource`). Only for the holder of the
 * resource's lease: holding it is what makes a run still marked `running` a
 * dead one.
 */
export async function openRun(runs: StoreRuns, resource: string, options: OpenRunOptions): Promise<OpenedRun> {
  const { trigger, worker } = options;
  let resumable = await runs.findResumable(resource);
  if (resumable && options.fresh) {
    // A failed run's row stays as it ended; an unfinished one is closed.
    if (resumable.status !== 'failed') {
      await runs.fail(resumable.id, `abandoned: a fresh run was requested (it had reached ${resumable.pages} pages)`, 'failed');
    }
    resumable = undefined;
  }
  if (resumable?.status === 'failed') {
    const run = await runs.start({ resource, trigger, worker, continues: resumable });
    return { run, checkpoint: readCheckpoint(resumable.checkpoint), first: false };
  }
  if (resumable) {
    return { run: await runs.resume(resumable.id, trigger, worker), checkpoint: readCheckpoint(resumable.checkpoint), first: false };
  }
  // A run still marked running died before its first commit (else it would
  // be resumable): close it rather than leave it running forever.
  const [latest] = await runs.list({ resource, limit: 1 });
  if (latest?.status === 'running')
    await runs.fail(latest.id, 'stalled: the process running it stopped before its first commit', 'interrupted');
  return { run: await runs.start({ resource, trigger, worker }), checkpoint: undefined, first: latest === undefined };
}
