import type { Queue } from 'bullmq';
import type { ResolvedConfig } from '../../config/types.js';
import { type SiphonJobData, TICK_JOB, type TickData } from './job-data.js';

export interface ScheduleSync {
  /** Resource ids whose schedule is now in Redis. */
  readonly upserted: readonly string[];
  /** Schedulers that no longer match a scheduled resource of the config, removed. */
  readonly removed: readonly string[];
}

/**
 * Makes the queue's job schedulers match the config: one per scheduled
 * resource, id = resource id, producing `tick` jobs. Every worker does this at
 * start; an upsert with an unchanged schedule leaves the pending tick as it
 * is, so many workers starting at once neither duplicate nor skip ticks.
 *
 * The template has no job id or deduplication on purpose: the scheduler
 * derives each tick's id from its time, and overlap is prevented one step
 * later, when the tick enqueues the run (see `processTick`).
 */
export async function syncSchedules(
  queue: Queue<SiphonJobData>,
  config: ResolvedConfig,
  options: { keepJobs?: number } = {},
): Promise<ScheduleSync> {
  const keep = { count: options.keepJobs ?? 1000 };
  const wanted = config.resources.filter((resource) => resource.schedule !== undefined);
  const upserted: string[] = [];
  for (const resource of wanted) {
    const data: TickData = { resource: resource.id };
    await queue.upsertJobScheduler(
      resource.id,
      { pattern: resource.schedule as string, tz: resource.timezone },
      { name: TICK_JOB, data, opts: { removeOnComplete: keep, removeOnFail: keep } },
    );
    upserted.push(resource.id);
  }
  const ids = new Set(upserted);
  const removed: string[] = [];
  // Read everything before removing: removal shifts the pages.
  const existing = [];
  for (let start = 0; ; start += 500) {
    const page = await queue.getJobSchedulers(start, start + 499, true);
    existing.push(...page);
    if (page.length < 500) break;
  }
  for (const scheduler of existing) {
    const id = scheduler.id ?? scheduler.key;
    if (ids.has(id)) continue;
    if (await queue.removeJobScheduler(id)) removed.push(id);
  }
  return { upserted, removed };
}
