import type { DemoRateLimit } from './options.js';
import type { RateDecision } from './rate-limiter.js';

/**
 * The headers announcing the limit on every limited-route response, in the
 * style the server is configured for: GitHub-like `X-RateLimit-*`, or the
 * IETF draft's structured fields (draft-ietf-httpapi-ratelimit-headers-08+).
 */
export function rateLimitHeaders(decision: RateDecision, limit: Required<DemoRateLimit>, now: number): Record<string, string> {
  const secondsLeft = Math.max(0, Math.ceil((decision.resetAt - now) / 1000));
  switch (limit.headers) {
    case 'none':
      return {};
    case 'x-ratelimit':
      return {
        'x-ratelimit-limit': String(decision.limit),
        'x-ratelimit-remaining': String(decision.remaining),
        'x-ratelimit-reset': String(limit.resetStyle === 'delta' ? secondsLeft : Math.ceil(decision.resetAt / 1000)),
      };
    case 'ietf':
      return {
        'ratelimit-policy': `"default";q=${decision.limit};w=${Math.max(1, Math.ceil(limit.perMs / 1000))}`,
        ratelimit: `"default";r=${decision.remaining};t=${secondsLeft}`,
      };
  }
}

/**
 * `Retry-After` for a rejected request: whole seconds rounded up and never 0
 * (a client told "0" would hammer), or the HTTP-date of the same instant.
 */
export function retryAfterHeader(decision: RateDecision, style: DemoRateLimit['retryAfter'], now: number): Record<string, string> {
  const seconds = Math.max(1, Math.ceil((decision.resetAt - now) / 1000));
  if (style === 'none') return {};
  if (style === 'date') return { 'retry-after': new Date((Math.floor(now / 1000) + seconds + 1) * 1000).toUTCString() };
  return { 'retry-after': String(seconds) };
}
