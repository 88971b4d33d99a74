import { describe, expect, it } from 'vitest';
import { parseRateLimitHeaders, parseRetryAfter } from '../src/http/rate-limit-headers.js';

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0); // 2025-01-15T12:00:00Z

function parse(headers: Record<string, string>) {
  return parseRateLimitHeaders(new Headers(headers), NOW);
}

describe('parseRetryAfter', () => {
  it('reads delta-seconds, integer or decimal', () => {
    expect(parseRetryAfter('120', NOW)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', NOW)).toBe(0);
    expect(parseRetryAfter('1.5', NOW)).toBe(1500);
  });

  it('reads the three HTTP-date formats as UTC', () => {
    expect(parseRetryAfter('Wed, 15 Jan 2025 12:00:30 GMT', NOW)).toBe(30_000); // IMF-fixdate
    expect(parseRetryAfter('Wednesday, 15-Jan-25 12:01:00 GMT', NOW)).toBe(60_000); // RFC 850
    expect(parseRetryAfter('Wed Jan 15 12:00:05 2025', NOW)).toBe(5000); // asctime
    expect(parseRetryAfter('Wed Jan  5 12:00:00 2025', Date.UTC(2025, 0, 5, 11, 59, 58))).toBe(2000);
  });

  it('never returns a negative wait for a date in the past', () => {
    expect(parseRetryAfter('Tue, 14 Jan 2025 12:00:00 GMT', NOW)).toBe(0);
  });

  it('ignores absent and unreadable values', () => {
    for (const value of [null, '', '-5', 'soon', '1e3', '0x10', 'Wed, 15 Foo 2025 12:00:00 GMT', 'Wed, 15 Jan 2025 25:00:00 GMT']) {
      expect(parseRetryAfter(value, NOW)).toBeUndefined();
    }
  });
});

describe('parseRateLimitHeaders', () => {
  it('returns nothing for a response without rate-limit headers', () => {
    expect(parse({ 'content-type': 'application/json' })).toEqual({});
  });

  it('reads Retry-After alongside the counts', () => {
    expect(parse({ 'retry-after': '7', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '7' })).toEqual({
      remaining: 0,
      resetAt: NOW + 7000,
      retryAfterMs: 7000,
    });
  });

  it('reads X-RateLimit-* with the reset as delta seconds', () => {
    expect(parse({ 'X-RateLimit-Limit': '60', 'X-RateLimit-Remaining': '59', 'X-RateLimit-Reset': '30' })).toEqual({
      limit: 60,
      remaining: 59,
      resetAt: NOW + 30_000,
    });
  });

  it('detects an epoch-seconds reset (GitHub) and an epoch-milliseconds reset', () => {
    const epochSeconds = Math.floor(NOW / 1000) + 600;
    expect(parse({ 'x-ratelimit-remaining': '4999', 'x-ratelimit-reset': String(epochSeconds) }).resetAt).toBe(epochSeconds * 1000);
    expect(parse({ 'x-ratelimit-remaining': '1', 'x-ratelimit-reset': String(NOW + 1234) }).resetAt).toBe(NOW + 1234);
    // Discord: decimal epoch seconds.
    expect(parse({ 'x-ratelimit-remaining': '1', 'x-ratelimit-reset': `${Math.floor(NOW / 1000) + 2}.5` }).resetAt).toBe(NOW + 2500);
  });

  it('prefers X-RateLimit-Reset-After (relative) over X-RateLimit-Reset', () => {
    const info = parse({
      'x-ratelimit-remaining': '3',
      'x-ratelimit-reset': String(Math.floor(NOW / 1000) + 99),
      'x-ratelimit-reset-after': '1.25',
    });
    expect(info.resetAt).toBe(NOW + 1250);
  });

  it('reads X-Rate-Limit-* (Twitter spelling)', () => {
    expect(
      parse({ 'x-rate-limit-limit': '15', 'x-rate-limit-remaining': '14', 'x-rate-limit-reset': String(Math.floor(NOW / 1000) + 900) }),
    ).toEqual({
      limit: 15,
      remaining: 14,
      resetAt: NOW + 900_000,
    });
  });

  it('reads the separate IETF headers of drafts 00–02, including a policy list after the limit', () => {
    expect(parse({ 'RateLimit-Limit': '100, 100;w=60', 'RateLimit-Remaining': '42', 'RateLimit-Reset': '17' })).toEqual({
      limit: 100,
      remaining: 42,
      resetAt: NOW + 17_000,
    });
  });

  it('reads the combined dictionary of drafts 03–07', () => {
    expect(parse({ RateLimit: 'limit=100, remaining=50, reset=5', 'RateLimit-Policy': '100;w=60' })).toEqual({
      limit: 100,
      remaining: 50,
      resetAt: NOW + 5000,
    });
  });

  it('reads the structured field of drafts 08+, quota from the matching policy', () => {
    expect(parse({ RateLimit: '"default";r=50;t=30', 'RateLimit-Policy': '"default";q=100;w=60' })).toEqual({
      limit: 100,
      remaining: 50,
      resetAt: NOW + 30_000,
    });
  });

  it('takes the most restrictive of several policies', () => {
    const info = parse({
      RateLimit: '"burst";r=80;t=1, "daily";r=3;t=3600',
      'RateLimit-Policy': '"burst";q=100;w=1, "daily";q=1000;w=86400',
    });
    expect(info).toEqual({ limit: 1000, remaining: 3, resetAt: NOW + 3_600_000 });
  });

  it('reads a policy name with a comma inside its quotes and a policy without a quota header', () => {
    expect(parse({ RateLimit: '"a,b";r=2;t=4' })).toEqual({ remaining: 2, resetAt: NOW + 4000 });
  });

  it('takes the most restrictive convention when a response carries several', () => {
    const info = parse({
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4000',
      'x-ratelimit-reset': '3600',
      ratelimit: 'limit=10, remaining=1, reset=1',
    });
    expect(info).toEqual({ limit: 10, remaining: 1, resetAt: NOW + 1000 });
  });

  it('ignores garbage without throwing', () => {
    expect(
      parse({
        'x-ratelimit-limit': 'lots',
        'x-ratelimit-remaining': '-3',
        'x-ratelimit-reset': 'tomorrow',
        ratelimit: ';;;,"unterminated;r=x',
        'ratelimit-policy': '=,=',
        'retry-after': 'later',
      }),
    ).toEqual({});
    expect(parse({ ratelimit: '"default";r=abc;t=5' })).toEqual({});
    expect(parse({ ratelimit: 'limit=ten, remaining=2, reset=soon' })).toEqual({ remaining: 2 });
  });

  it('keeps the readable fields of a partly garbled set', () => {
    expect(parse({ 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': 'n/a', 'x-ratelimit-reset': '10' })).toEqual({
      limit: 100,
      resetAt: NOW + 10_000,
    });
  });
});
