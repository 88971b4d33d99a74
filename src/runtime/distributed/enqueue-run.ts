import type { Job, JobsOptions, Queue } from 'bullmq';
import type { ResolvedResource } from '../../config/types.js';
import { runRetryPolicy } from '../run-retry.js';
import { RUN_BACKOFF, RUN_JOB, type RunData, type SiphonJobData } from './job-data.js';

/**
 * The options of a resource's run job:
 *
 * - `deduplication: { id: resource }` — while a run job of the resource is
 *   waiting, active or delayed for a retry, adding another is a no-op, so
 *   runs never overlap and ticks that fire meanwhile are dropped (the next
 *   tick after the run ends starts the next run), like the embedded
 *   runtime's "skip if still running";
 * - `attempts: retries + 1` with Siphon's backoff (see `runBackoff`): a retry
 *   resumes from the run's checkpoint, since runResource always resumes the
 *   newest unfinished run.
 */
export function runJobOptions(resource: ResolvedResource, keepJobs = 1000): JobsOptions {
  const policy = runRetryPolicy(resource);
  return {
    deduplication: { id: resource.id },
    attempts: policy.retries + 1,
    backoff: { type: RUN_BACKOFF },
    removeOnComplete: { count: keepJobs },
    removeOnFail: { count: keepJobs },
  };
}

/**
 * Asks for a run of `resource`; returns the job, which is the one already
 * waiting or going when the add was deduplicated.
 */
export async function enqueueRun(
  queue: Queue<SiphonJobData>,
  resource: ResolvedResource,
  data: Omit<RunData, 'resource'> = {},
  keepJobs?: number,
): Promise<Job<SiphonJobData>> {
  const run: RunData = { resource: resource.id, ...data };
  return queue.add(RUN_JOB, run, runJobOptions(resource, keepJobs));
}
