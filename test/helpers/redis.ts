import { Redis } from 'ioredis';

export const REDIS_URL = process.env.SIPHON_TEST_REDIS ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test run (or anything else in the shared Redis) uses. */
export function uniquePrefix(label: string): string {
  return `siphon-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}-${label}`;
}

export function connectRedis(): Redis {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  redis.on('error', () => undefined);
  return redis;
}

/** Deletes every key under `prefix:` (BullMQ's queue keys, budgets, tick guards). */
export async function dropPrefix(prefix: string): Promise<number> {
  const redis = connectRedis();
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}
