import type { RunNow } from './run-now.js';

export interface QueueRunNowOptions {
  readonly redisUrl: string;
  /**
   * BullMQ key prefix, the workers' (`SIPHON_QUEUE_PREFIX` of `siphon worker`).
   * @default 'siphon'
   */
  readonly prefix?: string | undefined;
  /** Redis errors (the connection reconnects by itself). */
  readonly onError?: ((error: Error) => void) | undefined;
}

/**
 * Run now in distributed mode: the run goes on the queue the workers share
 * (deduplicated per resource, as a schedule tick's would be), and whichever
 * worker takes it runs it. BullMQ loads with the first call of this function,
 * not with the admin.
 */
export async function queueRunNow(options: QueueRunNowOptions): Promise<RunNow & { close(): Promise<void> }> {
  const [{ Queue }, { createRedisConnection }, { enqueueRun }, { QUEUE_NAME }] = await Promise.all([
    import('bullmq'),
    import('../runtime/distributed/redis-connection.js'),
    import('../runtime/distributed/enqueue-run.js'),
    import('../runtime/distributed/job-data.js'),
  ]);
  const prefix = options.prefix ?? 'siphon';
  const onError = options.onError ?? (() => undefined);
  const redis = createRedisConnection(options.redisUrl, `${prefix}:siphon-admin:${process.pid}`, onError);
  const queue = new Queue(QUEUE_NAME, { connection: redis, prefix });
  queue.on('error', onError);
  return {
    async run(resource) {
      const job = await enqueueRun(queue, resource, { trigger: 'manual' });
      // A deduplicated add hands back the job already waiting or going: going means busy.
      return { status: (await job.getState()) === 'active' ? 'busy' : 'queued', job: job.id };
    },
    async close() {
      await queue.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
