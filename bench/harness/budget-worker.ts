// One "worker" of the distributed-budget scenario: walks the demo API with a
// rate budget shared through Redis, then prints how many records it got.
// argv: apiUrl redisUrl prefix pages hold(0|1)
import { Redis } from 'ioredis';
import { fetchRecords } from 'siphon-sync';
import { RedisSlidingWindowBudget } from 'siphon-sync/distributed';

const [apiUrl, redisUrl, prefix, pages, hold] = process.argv.slice(2) as [string, string, string, string, string];
const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
const budget = new RedisSlidingWindowBudget({ redis, prefix, source: 'demo', requests: 8, per: '1s', holdUntilSettled: hold === '1' });
let records = 0;
for await (const _ of fetchRecords({
  url: `${apiUrl}/api/v3/coins/markets`,
  params: { vs_currency: 'usd', per_page: 5 },
  paginator: { type: 'pageNumber', pageParam: 'page', start: 1 },
  maxPages: Number(pages),
  rateLimit: budget,
  concurrency: 2,
})) {
  records += 1;
}
await budget.close();
redis.disconnect();
console.log(records);
