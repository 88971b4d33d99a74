import type { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ResolvedConfig } from '../../config/types.js';
import type { DistributedEvent } from './distributed-events.js';
import { enqueueRun } from './enqueue-run.js';
import type { RunData, SiphonJobData, TickData, TickResult } from './job-data.js';

/**
 * Records `ARGV[1]` as the resource's newest handled tick unless it (or a
 * later one) already is: 1 when the caller is the first to handle it.
 */
const CLAIM_TICK = `
local last = tonumber(redis.call('GET', KEYS[1]) or '-1') or -1
if tonumber(ARGV[1]) <= last then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
return 1
`;

export interface TickContext {
  readonly config: ResolvedConfig;
  readonly queue: Queue<SiphonJobData>;
  readonly redis: Redis;
  readonly prefix: string;
  readonly keepJobs: number;
  readonly emit: (event: DistributedEvent) => void;
}

/**
 * A schedule fired: enqueue a run of the resource and return at once, so the
 * slot is free for the next job. The run job is deduplicated per resource
 * (see `runJobOptions`): while one is waiting or going, this tick is dropped.
 *
 * A tick job can run twice: BullMQ hands a job whose worker died to another
 * worker. Each tick is claimed in Redis first (its scheduled time, per
 * resource, only moving forward), so a second handling — or a stale tick
 * arriving after a newer one — enqueues nothing: at most one run per tick.
 * The claim comes before the enqueue; a worker dying between the two loses
 * that one tick, and the next one (a schedule period later) runs instead.
 */
export async function processTick(job: Job<SiphonJobData>, context: TickContext): Promise<TickResult> {
  const id = (job.data as TickData).resource;
  const tick = job.opts.prevMillis ?? job.timestamp;
  const resource = context.config.resources.find((candidate) => candidate.id === id);
  if (!resource) {
    // A schedule of another config version; the worker that knows it runs it, or its next start removes it.
    context.emit({ type: 'tick', resource: id, at: new Date(tick), enqueued: false });
    return { resource: id, tick, enqueued: false };
  }
  const claimed = await context.redis.eval(CLAIM_TICK, 1, `${context.prefix}:siphon-ticks:{${id}}`, String(tick));
  if (claimed !== 1) {
    context.emit({ type: 'tick', resource: id, at: new Date(tick), enqueued: false });
    return { resource: id, tick, enqueued: false };
  }
  const run = await enqueueRun(context.queue, resource, { tick, trigger: 'schedule' }, context.keepJobs);
  // A deduplicated add answers with the id of the job already there (and our
  // data): only the stored job tells which tick it came from.
  const stored = run.id === undefined ? undefined : await context.queue.getJob(run.id);
  const enqueued = (stored?.data as RunData | undefined)?.tick === tick;
  context.emit({ type: 'tick', resource: id, at: new Date(tick), enqueued });
  return { resource: id, tick, enqueued, runJobId: run.id };
}
