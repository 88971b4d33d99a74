import { Redis } from 'ioredis';

/**
 * A connection for BullMQ and the shared budgets. `maxRetriesPerRequest:
 * null` is what BullMQ requires of worker connections, and it is also what we
 * want of the budget: while Redis is away commands wait for the reconnection
 * (ioredis retries with a capped backoff) instead of failing runs. Errors are
 * reported, never thrown: an `error` event without a listener would crash
 * the worker on the first dropped connection.
 */
export function createRedisConnection(url: string, name: string, onError: (error: Error) => void): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: null,
    connectionName: name,
    // Reconnect quickly at first, then every 2 s while Redis stays away.
    retryStrategy: (times) => Math.min(times * 100, 2000),
  });
  redis.on('error', onError);
  return redis;
}

/** `redis://user:secret@host` → `redis://user:***@host`, for log lines. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable REDIS_URL)';
  }
}
