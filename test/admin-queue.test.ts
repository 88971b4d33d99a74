import { Queue } from 'bullmq';
import { parseConfig } from 'siphon-sync';
import { queueRunNow } from 'siphon-sync/admin';
import { afterAll, expect, it } from 'vitest';
import { connectRedis, describeWithRedis, dropPrefix, REDIS_URL, uniquePrefix } from './helpers/redis.js';

describeWithRedis('Run now in distributed mode', () => {
  const prefix = uniquePrefix('admin');
  afterAll(async () => {
    await dropPrefix(prefix);
  });

  it('queues a manual run for the workers, once per resource while it waits', async () => {
    const config = parseConfig({
      database: 'postgres://postgres@127.0.0.1:5432/unused',
      sources: { api: { baseUrl: 'http://127.0.0.1:9', resources: { items: { path: '/items', primaryKey: 'id' } } } },
    });
    const runNow = await queueRunNow({ redisUrl: REDIS_URL, prefix });
    const redis = connectRedis();
    const queue = new Queue('siphon', { connection: redis, prefix });
    try {
      const first = await runNow.run(config.resources[0]!);
      const again = await runNow.run(config.resources[0]!);
      expect(first).toMatchObject({ status: 'queued' });
      // Deduplicated like a schedule tick: the same job, still waiting for a worker.
      expect(again.job).toBe(first.job);
      const jobs = await queue.getJobs(['waiting']);
      expect(jobs.map((job) => [job.name, job.data])).toEqual([['run', { resource: 'api.items', trigger: 'manual' }]]);
    } finally {
      await queue.close();
      redis.disconnect();
      await runNow.close();
    }
  });
});
