import type { RateBudget, RateLimitOptions } from 'siphon-sync';
import { ConfigError, createRateBudget, SlidingWindowBudget } from 'siphon-sync';
import { describe, expect, it } from 'vitest';

/**
 * Grant times are read with `Date.now()` when the test sees the promise
 * settle, a hair after the budget granted it: comparisons of two such
 * readings allow this much measurement slack.
 */
const SLACK_MS = 2;

interface Grant {
  index: number;
  at: number;
  waited: number;
}

/** Starts `count` acquires at once and records when, and in which order, they are granted. */
async function acquireAll(budget: RateBudget, count: number): Promise<Grant[]> {
  const grants: Grant[] = [];
  await Promise.all(
    Array.from({ length: count }, (_, index) =>
      budget.acquire().then((waited) => {
        grants.push({ index, at: Date.now(), waited });
      }),
    ),
  );
  return grants;
}

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('SlidingWindowBudget, declared limit', () => {
  it('never grants more than 5 in any 200 ms among 30 concurrent callers, in FIFO order', async () => {
    const budget = new SlidingWindowBudget({ requests: 5, per: '200ms' });
    const started = Date.now();
    const grants = await acquireAll(budget, 30);
    const elapsed = Date.now() - started;

    expect(grants.map((g) => g.index)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    // The invariant: the 6th grant after any grant is at least one window later.
    for (let i = 0; i + 5 < grants.length; i += 1) {
      expect((grants[i + 5] as Grant).at - (grants[i] as Grant).at).toBeGreaterThanOrEqual(200 - SLACK_MS);
    }
    // The first five go at once; the rest need five more windows (1 s), and
    // even a loaded machine should not take four times that.
    expect(grants.slice(0, 5).every((g) => g.waited === 0)).toBe(true);
    expect(grants.slice(5).every((g) => g.waited > 0)).toBe(true);
    expect(elapsed).toBeLessThan(4000);
  });

  it('serves waiters first come, first served', async () => {
    const budget = new SlidingWindowBudget({ requests: 1, per: '30ms' });
    const order: string[] = [];
    const first = ['a', 'b', 'c'].map((name) => budget.acquire().then(() => order.push(name)));
    // Block the event loop past b's turn, so b's timer has not fired yet when
    // a later caller arrives to a window that is open again: it still queues behind.
    const until = Date.now() + 40;
    while (Date.now() < until) {
      // busy wait
    }
    const late = budget.acquire().then(() => order.push('late'));
    await Promise.all([...first, late]);
    expect(order).toEqual(['a', 'b', 'c', 'late']);
  });

  it('an aborted waiter leaves the queue and rejects with the reason', async () => {
    const budget = new SlidingWindowBudget({ requests: 1, per: '100ms' });
    await budget.acquire(); // fills the window
    const controller = new AbortController();
    const quitter = budget.acquire(controller.signal);
    const next = budget.acquire();
    const reason = new Error('walk cancelled');
    controller.abort(reason);
    await expect(quitter).rejects.toBe(reason);
    // The slot the quitter would have used goes to the next waiter.
    const started = Date.now();
    await next;
    expect(Date.now() - started).toBeLessThan(2000);
    // An already-aborted signal never enters the queue.
    await expect(budget.acquire(AbortSignal.abort(reason))).rejects.toBe(reason);
  });

  it('close rejects every waiter', async () => {
    const budget = new SlidingWindowBudget({ requests: 1, per: '1h' });
    await budget.acquire();
    const waiting = budget.acquire();
    await budget.close();
    await expect(waiting).rejects.toThrow(/closed/);
  });
});

describe('SlidingWindowBudget, pauses and learned limits', () => {
  it('pauseUntil holds every waiter, and a shorter pause does not shorten it', async () => {
    const budget = new SlidingWindowBudget();
    const until = Date.now() + 150;
    budget.pauseUntil(until);
    budget.pauseUntil(Date.now() + 10);
    const grants = await acquireAll(budget, 5);
    for (const grant of grants) {
      expect(grant.at).toBeGreaterThanOrEqual(until);
      expect(grant.waited).toBeGreaterThan(0);
      expect(grant.at - until).toBeLessThan(2000);
    }
    // Once the pause is over nothing waits.
    expect(await budget.acquire()).toBe(0);
  });

  it('a pause announced while callers wait holds them too', async () => {
    const budget = new SlidingWindowBudget({ requests: 1, per: '20ms' });
    await budget.acquire();
    const waiting = acquireAll(budget, 3);
    const until = Date.now() + 150;
    budget.pauseUntil(until);
    for (const grant of await waiting) expect(grant.at).toBeGreaterThanOrEqual(until);
  });

  it('grants only the announced remaining before the reset', async () => {
    const budget = new SlidingWindowBudget();
    const resetAt = Date.now() + 300;
    budget.observe({ limit: 10, remaining: 2, resetAt });
    const grants = await acquireAll(budget, 4);
    expect(grants.slice(0, 2).every((g) => g.waited === 0)).toBe(true);
    for (const grant of grants.slice(2)) {
      expect(grant.at).toBeGreaterThanOrEqual(resetAt);
      expect(grant.at - resetAt).toBeLessThan(2000);
    }
  });

  it('remaining 0 holds everything until the reset', async () => {
    const budget = new SlidingWindowBudget({ requests: 100, per: '1s' });
    const resetAt = Date.now() + 150;
    budget.observe({ remaining: 0, resetAt });
    const grants = await acquireAll(budget, 3);
    for (const grant of grants) expect(grant.at).toBeGreaterThanOrEqual(resetAt);
  });

  it('within one window a higher count (an older response) does not raise the allowance', async () => {
    const budget = new SlidingWindowBudget();
    const resetAt = Date.now() + 250;
    budget.observe({ remaining: 1, resetAt });
    budget.observe({ remaining: 5, resetAt: resetAt - 200 }); // straggler, same window within rounding
    budget.observe({ remaining: 9, resetAt: resetAt - 5000 }); // from a window already over
    const grants = await acquireAll(budget, 2);
    expect((grants[0] as Grant).waited).toBe(0);
    expect((grants[1] as Grant).at).toBeGreaterThanOrEqual(resetAt);
  });

  it('spends a reported remainder on the requests still in flight, once grants are settled', async () => {
    const budget = new SlidingWindowBudget();
    // Three granted at once; the first is answered, saying 2 are left: the two still in flight take them.
    for (let i = 0; i < 3; i++) await budget.acquire();
    budget.settle();
    const resetAt = Date.now() + 250;
    budget.observe({ remaining: 2, resetAt });
    const [next] = await acquireAll(budget, 1);
    expect((next as Grant).at).toBeGreaterThanOrEqual(resetAt);
  });

  it('a caller that never settles is not taken to have everything in flight', async () => {
    const budget = new SlidingWindowBudget();
    for (let i = 0; i < 3; i++) await budget.acquire();
    budget.observe({ remaining: 2, resetAt: Date.now() + 250 });
    const grants = await acquireAll(budget, 2);
    expect(grants.every((grant) => grant.waited === 0)).toBe(true);
  });

  it('ignores observations it cannot turn into a wait', async () => {
    const budget = new SlidingWindowBudget();
    budget.observe({ remaining: 0 }); // no reset time
    budget.observe({ remaining: 0, resetAt: Date.now() - 1000 }); // already reset
    budget.observe({});
    expect(await budget.acquire()).toBe(0);
  });
});

describe('createRateBudget', () => {
  it('passes an existing budget through and builds a sliding window otherwise', () => {
    const shared = new SlidingWindowBudget({ requests: 1, per: 1000 });
    expect(createRateBudget(shared)).toBe(shared);
    expect(createRateBudget()).toBeInstanceOf(SlidingWindowBudget);
    expect((createRateBudget({ requests: 10, per: '1m' }) as SlidingWindowBudget).declared).toEqual({ requests: 10, perMs: 60_000 });
  });

  it('rejects bad options with the path of the bad field', () => {
    const make = (options: unknown) => () => createRateBudget(options as RateLimitOptions);
    expect(configError(make({ requests: 0, per: '1s' })).path).toBe('rateLimit.requests');
    expect(configError(make({ requests: 2.5, per: '1s' })).path).toBe('rateLimit.requests');
    expect(configError(make({ requests: '10', per: '1s' })).path).toBe('rateLimit.requests');
    expect(configError(make({ per: '1s' })).path).toBe('rateLimit.requests');
    expect(configError(make({ requests: 10 })).path).toBe('rateLimit.per');
    expect(configError(make({ requests: 10, per: 'soon' })).message).toMatch(/^rateLimit\.per: invalid duration "soon"/);
    expect(configError(make({ requests: 10, per: 0 })).path).toBe('rateLimit.per');
    expect(configError(make({ requests: 10, per: -5 })).path).toBe('rateLimit.per');
    expect(configError(make(42)).path).toBe('rateLimit');
  });
});
