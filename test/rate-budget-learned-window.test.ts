import { describe, expect, it } from 'vitest';
import { LearnedLimit } from '../src/http/rate-budget/learned-limit.js';

// A learned budget against simulated servers, on a virtual clock: no timer,
// so nothing here depends on how busy the machine is.

interface Answer {
  readonly allowed: boolean;
  readonly remaining: number;
  readonly resetAt: number;
}
type Server = (at: number) => Answer;

/** Fixed windows that start with the first request after the last one ended (GitHub's hourly quota), resets in whole seconds rounded up. */
function firstRequestWindows(limit: number, perMs: number): Server {
  let start = -Infinity;
  let used = 0;
  return (at) => {
    if (at >= start + perMs) {
      start = at;
      used = 0;
    }
    const allowed = used < limit;
    if (allowed) used += 1;
    return { allowed, remaining: limit - used, resetAt: Math.ceil((start + perMs) / 1000) * 1000 };
  };
}

/** Fixed windows on the clock (every `perMs` from the epoch), exact resets. */
function clockWindows(limit: number, perMs: number): Server {
  let start = -Infinity;
  let used = 0;
  return (at) => {
    const current = Math.floor(at / perMs) * perMs;
    if (current !== start) {
      start = current;
      used = 0;
    }
    const allowed = used < limit;
    if (allowed) used += 1;
    return { allowed, remaining: limit - used, resetAt: start + perMs };
  };
}

interface Walk {
  readonly refused: number;
  readonly elapsed: number;
  /** How long before the last announced reset each request was sent (0 when not before it). */
  readonly earliest: number;
}

/** `requests` answered requests, one at a time, each taking `rttMs`; a refusal waits for its reset, as a Retry-After would ask. */
function walk(server: Server, requests: number, start: number, rttMs = 6): Walk {
  const limit = new LearnedLimit();
  let now = start;
  let refused = 0;
  let answered = 0;
  let announced = 0;
  let earliest = 0;
  while (answered < requests) {
    now = Math.max(now, limit.availableAt(now));
    limit.consume(now);
    if (announced > now) earliest = Math.max(earliest, announced - now);
    const answer = server(now + rttMs / 2);
    now += rttMs;
    limit.settle();
    limit.observe({ remaining: answer.remaining, resetAt: answer.resetAt }, now);
    announced = answer.remaining === 0 || !answer.allowed ? answer.resetAt : announced;
    if (answer.allowed) {
      answered += 1;
    } else {
      refused += 1;
      limit.refused(now);
      now = Math.max(now, answer.resetAt);
    }
  }
  return { refused, elapsed: now - start, earliest };
}

const EPOCH = 1_700_000_000_000;

describe('LearnedLimit: the window length learned from earlier resets', () => {
  it('ends windows before their rounded-up reset once it knows their length, and nothing is refused', () => {
    // From 0 and 999 the first windows start on whole seconds: one starts a little late to learn from.
    for (const phase of [0, 150, 300, 500, 700, 999]) {
      const { refused, elapsed, earliest } = walk(firstRequestWindows(25, 5000), 250, EPOCH + phase);
      expect(refused, `phase ${phase}`).toBe(0);
      // Ten windows; waiting for each whole-second reset would take 6 s a window.
      expect(elapsed, `phase ${phase}`).toBeLessThan(9 * 6000 * 0.95);
      // Never earlier than the resolution of the header it distrusts.
      expect(earliest, `phase ${phase}`).toBeLessThanOrEqual(1000);
    }
  });

  it('windows on the clock: a refused prediction is the last one', () => {
    for (const phase of [150, 2500, 4900]) {
      const { refused } = walk(clockWindows(25, 5000), 500, EPOCH + phase);
      expect(refused, `phase ${phase}`).toBeLessThanOrEqual(1);
    }
  });

  it('late answers of a window ended by prediction do not hold the next one', () => {
    const limit = new LearnedLimit();
    // A first window from a grant at +300 ms resetting at +6 s (rounded up): at most 5.7 s long.
    limit.consume(EPOCH + 300);
    limit.settle();
    limit.observe({ remaining: 0, resetAt: EPOCH + 6000 }, EPOCH + 306);
    expect(limit.availableAt(EPOCH + 1000)).toBe(EPOCH + 6000);
    // The next window, from a grant at +6 s, first answered at +6.006 s: it ends by +11.706 s, not +12 s.
    limit.consume(EPOCH + 6000);
    limit.settle();
    limit.observe({ remaining: 0, resetAt: EPOCH + 12_000 }, EPOCH + 6006);
    expect(limit.availableAt(EPOCH + 7000)).toBe(EPOCH + 11_706);
    // An answer of that window arriving after its predicted end (remaining 0) holds nothing.
    limit.observe({ remaining: 0, resetAt: EPOCH + 12_000 }, EPOCH + 11_800);
    expect(limit.availableAt(EPOCH + 11_800)).toBe(EPOCH + 11_800);
  });
});
