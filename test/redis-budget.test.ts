import type { Redis } from 'ioredis';
import { RedisSlidingWindowBudget } from 'siphon-sync/distributed';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectRedis, describeWithRedis, dropPrefix, uniquePrefix } from './helpers/redis.js';

// Three budget instances on three connections stand for three workers: the
// window they share lives in Redis only.
const prefix = uniquePrefix('budget');
let connections: Redis[] = [];

beforeAll(() => {
  connections = [connectRedis(), connectRedis(), connectRedis()];
});
afterAll(async () => {
  for (const redis of connections) redis.disconnect();
  await dropPrefix(prefix);
});

function budgets(source: string, limit: { requests?: number; per?: string } = {}): RedisSlidingWindowBudget[] {
  return connections.map((redis) => new RedisSlidingWindowBudget({ redis, prefix, source, ...limit }));
}

/** The most grants in any half-open window [t, t + ms). */
function maxInWindow(times: readonly number[], ms: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end += 1) {
    while ((sorted[end] as number) - (sorted[start] as number) >= ms) start += 1;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

describeWithRedis('RedisSlidingWindowBudget', () => {
  it('keeps 40 concurrent acquires from 3 instances to 5 per 300 ms window', async () => {
    const shared = budgets('window', { requests: 5, per: '300ms' });
    const started = Date.now();
    const grants: number[] = [];
    await Promise.all(
      Array.from({ length: 40 }, async (_, index) => {
        await shared[index % 3]?.acquire();
        grants.push(Date.now());
      }),
    );
    const elapsed = Date.now() - started;
    expect(grants).toHaveLength(40);
    expect(maxInWindow(grants, 300)).toBeLessThanOrEqual(5);
    // 40 grants at 5 per window need at least 7 full windows after the first.
    expect(elapsed).toBeGreaterThanOrEqual(7 * 300);
    // …and not much more: the waits are computed, not polled.
    expect(elapsed).toBeLessThan(7 * 400 + 1500);
  }, 20_000);

  it('a pause set through one instance holds the others, and is never lowered', async () => {
    const [a, b, c] = budgets('pause', { requests: 100, per: '1s' });
    const started = Date.now();
    await a?.pauseUntil(started + 600);
    await c?.pauseUntil(started + 100); // shorter: must not shorten the pause
    const waited = await b?.acquire();
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(560);
    expect(elapsed).toBeLessThan(1500);
    expect(waited).toBeGreaterThanOrEqual(500);
  });

  it('without a declared limit only pauses apply', async () => {
    const [a] = budgets('free');
    const started = Date.now();
    for (let i = 0; i < 50; i += 1) await a?.acquire();
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('an aborted acquire rejects at once with the reason; the queue behind it carries on', async () => {
    const [a, b] = budgets('abort', { requests: 1, per: '800ms' });
    await a?.acquire();
    const controller = new AbortController();
    const started = Date.now();
    const aborted = b?.acquire(controller.signal);
    const next = b?.acquire();
    setTimeout(() => controller.abort(new Error('stop waiting')), 50);
    await expect(aborted).rejects.toThrow('stop waiting');
    expect(Date.now() - started).toBeLessThan(400);
    // The waiter behind the aborted one gets the next slot, one window after the first grant.
    await next;
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
    await expect(b?.acquire(AbortSignal.abort(new Error('already')))).rejects.toThrow('already');
  });

  it('close rejects the waiters', async () => {
    const [a] = budgets('close', { requests: 1, per: '10s' });
    await a?.acquire();
    const waiting = a?.acquire();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await a?.close();
    await expect(waiting).rejects.toThrow('closed');
  });
});
