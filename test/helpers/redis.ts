import { Redis } from 'ioredis';
import { describe, inject } from 'vitest';
import '../setup/provided-context.js';

const provided = inject('redisUrl');

/** The Redis the test setup found or started (test/setup/services.ts); empty when the Redis suites are skipped. */
export const REDIS_URL = provided ?? '';

/**
 * `describe` for a suite that needs Redis: skipped when the test setup found
 * none (it has said so once, naming the files that use this).
 */
export const describeWithRedis = describe.skipIf(provided === null);

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
