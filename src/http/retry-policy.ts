import { ConfigError } from '../errors/config-error.js';
import { parseDuration } from '../util/duration.js';
import type { RetryOptions } from './types.js';

/** Statuses worth another try: timeouts, too early, too many requests, and transient server failures. */
export const DEFAULT_RETRY_STATUSES: readonly number[] = [408, 425, 429, 500, 502, 503, 504];

/** {@link RetryOptions} with every default applied and durations in milliseconds. */
export interface RetryPolicy {
  readonly retries: number;
  readonly baseMs: number;
  readonly maxMs: number;
  readonly statuses: ReadonlySet<number>;
}

/**
 * Applies the defaults: 5 retries, 1 s base, 600 s cap — the values of the
 * Celery recipe Siphon replaces (`max_retries=5`, `retry_backoff_max=600`).
 */
export function resolveRetryPolicy(options: RetryOptions | false | undefined, path = 'retry'): RetryPolicy {
  if (options === false) return { retries: 0, baseMs: 1000, maxMs: 600_000, statuses: new Set(DEFAULT_RETRY_STATUSES) };
  const retries = options?.retries ?? 5;
  if (!Number.isInteger(retries) || retries < 0) {
    throw new ConfigError(`${path}.retries`, `expected a non-negative integer, got ${String(retries)}`);
  }
  const baseMs = durationAt(options?.base ?? '1s', `${path}.base`);
  const maxMs = durationAt(options?.max ?? '600s', `${path}.max`);
  if (maxMs < baseMs) throw new ConfigError(`${path}.max`, `must be at least retry.base (${baseMs} ms), got ${maxMs} ms`);
  const statuses = options?.statuses ?? DEFAULT_RETRY_STATUSES;
  for (const status of statuses) {
    if (!Number.isInteger(status) || status < 100 || status > 599) {
      throw new ConfigError(`${path}.statuses`, `expected HTTP statuses (100–599), got ${String(status)}`);
    }
  }
  return { retries, baseMs, maxMs, statuses: new Set(statuses) };
}

function durationAt(value: string | number, path: string): number {
  try {
    return parseDuration(value);
  } catch (error) {
    throw new ConfigError(path, (error as Error).message);
  }
}

/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential
 * Backoff and Jitter"): a uniform wait in [0, min(max, base·2^(retry-1))].
 * Jitter spreads the retries of many clients so they do not hit the API in step.
 */
export function backoffDelay(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, retry - 1));
  return Math.round(random() * ceiling);
}
