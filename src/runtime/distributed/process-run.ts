import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import type { ResolvedConfig } from '../../config/types.js';
import type { RunTrigger, Store } from '../../store/types.js';
import type { ClientPool } from '../../sync/client-pool.js';
import { runResource } from '../../sync/run-resource.js';
import { asError } from '../../util/as-error.js';
import { isRetryableRunError, runRetryPolicy } from '../run-retry.js';
import type { DistributedEvent } from './distributed-events.js';
import type { RunData, RunProgress, RunResult, SiphonJobData } from './job-data.js';

export interface RunContext {
  readonly config: ResolvedConfig;
  readonly store: Store;
  readonly clients: ClientPool;
  readonly leaseMs: number;
  /** Aborted when the worker gives up waiting for runs at shutdown. */
  readonly shutdown: AbortSignal;
  readonly emit: (event: DistributedEvent) => void;
}

/**
 * A run job: one `runResource`, which resumes the resource's unfinished run
 * from its checkpoint when there is one (after a failed attempt, or a worker
 * that died mid-run), and reports `{ pages, records }` as job progress.
 *
 * Outcomes: success or a skip complete the job; a permanent error fails it
 * for good (`UnrecoverableError`); a transient one fails this attempt, and
 * BullMQ retries after Siphon's backoff; a run interrupted by the worker's
 * shutdown goes back to the queue untouched (no attempt spent) for another
 * worker to resume.
 */
export async function processRun(
  job: Job<SiphonJobData>,
  token: string | undefined,
  signal: AbortSignal | undefined,
  context: RunContext,
): Promise<RunResult> {
  const data = job.data as RunData;
  const resource = context.config.resources.find((candidate) => candidate.id === data.resource);
  if (!resource) throw new UnrecoverableError(`${data.resource}: no such resource in this worker's config`);
  const jobId = job.id ?? '?';
  // Started more often than it finished attempts: the previous start's worker died.
  const recovered = job.attemptsStarted > job.attemptsMade + 1;
  const trigger: RunTrigger = job.attemptsMade > 0 ? 'retry' : recovered ? 'recovery' : (data.trigger ?? 'schedule');
  context.emit({ type: 'run-job', resource: resource.id, jobId, trigger, jobAttempt: job.attemptsMade + 1 });

  const abort = AbortSignal.any([context.shutdown, ...(signal ? [signal] : [])]);

  const { run, error } = await runResource({
    config: context.config,
    resource,
    store: context.store,
    clients: context.clients,
    trigger,
    signal: abort,
    leaseMs: context.leaseMs,
    // BullMQ may hand a dead worker's job out before that worker's lease on
    // the resource expires: wait it out rather than skip the run.
    leaseWaitMs: recovered ? context.leaseMs + 2000 : 0,
    onEvent: (event) => {
      context.emit(event);
      if (event.type === 'progress') {
        const progress: RunProgress = { pages: event.pages, records: event.records };
        job.updateProgress(progress).catch((cause: unknown) => context.emit({ type: 'worker-error', error: asError(cause) }));
      }
    },
  });
  const result: RunResult = {
    resource: resource.id,
    runId: run.id,
    status: run.status,
    attempt: run.attempt,
    records: run.records,
    tick: data.tick,
  };
  if (!error) return result;

  if (context.shutdown.aborted && run.status === 'interrupted' && token !== undefined) {
    // Back to the queue at once, attempt not spent: another worker resumes the checkpoint.
    await job.moveToDelayed(Date.now(), token);
    context.emit({ type: 'requeued', resource: resource.id, jobId });
    throw new DelayedError();
  }
  const retries = runRetryPolicy(resource).retries;
  const retryable = isRetryableRunError(error);
  if (!retryable || job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
    context.emit({ type: 'gave-up', resource: resource.id, run, error, retried: Math.min(job.attemptsMade, retries) });
  }
  if (!retryable) throw new UnrecoverableError(`${resource.id}: ${error.message}`);
  throw error;
}
