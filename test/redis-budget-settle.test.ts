import type { Redis } from 'ioredis';
import { type Auth, fetchRecords } from 'siphon-sync';
import { type DemoApiServer, startDemoApi } from 'siphon-sync/demo-api';
import { RedisSlidingWindowBudget } from 'siphon-sync/distributed';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectRedis, describeWithRedis, dropPrefix, uniquePrefix } from './helpers/redis.js';

const prefix = uniquePrefix('settle');
let connections: Redis[] = [];
let api: DemoApiServer;

beforeAll(async () => {
  connections = [connectRedis(), connectRedis(), connectRedis()];
  api = await startDemoApi({ seed: 5, size: { coins: 30 }, rateLimit: { requests: 5, perMs: 300, window: 'sliding', headers: 'none' } });
});
afterAll(async () => {
  for (const redis of connections) redis.disconnect();
  await api.close();
  await dropPrefix(prefix);
});

/** Holds every third request up after its grant for longer than any fixed guard, as a busy worker would. */
function slowAuth(): Auth {
  let call = 0;
  return {
    kind: 'slow',
    secretNames: [],
    async apply() {
      call += 1;
      if (call % 3 === 1) await new Promise((resolve) => setTimeout(resolve, 150));
    },
  };
}

describeWithRedis('a shared Redis budget that holds slots until settled', () => {
  it('three workers whose requests leave late never push the API over its limit', async () => {
    const walks = connections.map(async (redis) => {
      const budget = new RedisSlidingWindowBudget({ redis, prefix, source: 'demo', requests: 5, per: '300ms', holdUntilSettled: true });
      let records = 0;
      for await (const _ of fetchRecords({
        url: `${api.url}/api/v3/coins/markets`,
        params: { vs_currency: 'usd', per_page: 3 },
        paginator: { type: 'pageNumber', pageParam: 'page', start: 1 },
        rateLimit: budget,
        retry: { retries: 0 },
        concurrency: 3,
        auth: slowAuth(),
      })) {
        records += 1;
      }
      await budget.close();
      return records;
    });
    expect(await Promise.all(walks)).toEqual([30, 30, 30]);
    expect(api.stats().rejected).toBe(0);
    expect(api.maxInWindow(300)).toBeLessThanOrEqual(5);
  }, 30_000);
});
