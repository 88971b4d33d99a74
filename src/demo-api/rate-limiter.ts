/** The limiter's verdict on one request, and what to announce about it. */
export interface RateDecision {
  readonly allowed: boolean;
  readonly limit: number;
  /** Requests left after this one. */
  readonly remaining: number;
  /** Epoch ms at which one more request will be allowed (sliding) or the window restarts (fixed). */
  readonly resetAt: number;
}

/**
 * One budget for the whole server, whoever the client: the point is to
 * check that Siphon's workers share a budget, not that they each obey one.
 * Rejected requests do not consume budget, as with most real limiters.
 */
export interface RateLimiter {
  check(now: number): RateDecision;
}

export function createRateLimiter(requests: number, perMs: number, window: 'fixed' | 'sliding'): RateLimiter {
  return window === 'fixed' ? fixedWindow(requests, perMs) : slidingWindow(requests, perMs);
}

/** Windows start at the first request after the previous one ended, as GitHub's hourly quota does. */
function fixedWindow(requests: number, perMs: number): RateLimiter {
  let windowStart = -Infinity;
  let used = 0;
  return {
    check(now) {
      if (now >= windowStart + perMs) {
        windowStart = now;
        used = 0;
      }
      const allowed = used < requests;
      if (allowed) used += 1;
      return { allowed, limit: requests, remaining: requests - used, resetAt: windowStart + perMs };
    },
  };
}

/** A log of accepted arrivals: at most `requests` of them in any `perMs`. */
function slidingWindow(requests: number, perMs: number): RateLimiter {
  const accepted: number[] = [];
  let head = 0;
  return {
    check(now) {
      while (head < accepted.length && (accepted[head] as number) <= now - perMs) head += 1;
      if (head > 1024) {
        accepted.splice(0, head); // keep the log from growing forever
        head = 0;
      }
      const allowed = accepted.length - head < requests;
      if (allowed) accepted.push(now);
      const oldest = accepted[head] ?? now;
      return { allowed, limit: requests, remaining: requests - (accepted.length - head), resetAt: oldest + perMs };
    },
  };
}
