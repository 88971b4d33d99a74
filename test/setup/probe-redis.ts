import { Redis } from 'ioredis';

/** Undefined when `url` answers PING within `ms`, else why not (one line). */
export async function probeRedis(url: string, ms: number): Promise<string | undefined> {
  // No reconnects and no offline queue: one attempt, and its error, is the answer.
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: ms,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // The connection's own error (ECONNREFUSED …) says more than the rejected command's "Connection is closed".
  let connectionError: string | undefined;
  redis.on('error', (error: Error) => {
    connectionError ??= error.message;
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${ms} ms`), ms);
  });
  const probe = (async () => {
    await redis.connect();
    await redis.ping();
    return undefined;
  })().catch((error: unknown) => connectionError ?? (error instanceof Error ? error.message.split('\n')[0] || error.name : String(error)));
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
    redis.disconnect();
  }
}
