import * as z from 'zod';
import { ConfigError } from '../errors/config-error.js';
import { parseDuration } from '../util/duration.js';
import { duration, nonNegativeInteger, scalar } from '../util/option-fields.js';
import { parseOptions } from '../util/option-issues.js';
import { type OptionShape, strictOptions } from '../util/strict-options.js';
import type { RetryOptions } from './types.js';

/** Statuses worth another try: timeouts, too early, too many requests, and transient server failures. */
export const DEFAULT_RETRY_STATUSES: readonly number[] = [408, 425, 429, 500, 502, 503, 504];

/**
 * The defaults of {@link RetryOptions}: the values of the Celery recipe
 * Siphon replaces (`max_retries=5`, `retry_backoff_max=600`).
 */
export const RETRY_DEFAULTS = { retries: 5, base: '1s', max: '600s', statuses: DEFAULT_RETRY_STATUSES } as const;

/** {@link RetryOptions} with every default applied and durations in milliseconds. */
export interface RetryPolicy {
  readonly retries: number;
  readonly baseMs: number;
  readonly maxMs: number;
  readonly statuses: ReadonlySet<number>;
}

const httpStatus = scalar<number>('an HTTP status (100–599)', (v) => Number.isInteger(v) && (v as number) >= 100 && (v as number) <= 599, {
  type: 'integer',
  minimum: 100,
  maximum: 599,
});

/** The keys of {@link RetryOptions}, for the client and (with `backoff`) the config file's sources. */
export const retryOptionsShape = {
  retries: nonNegativeInteger.optional(),
  base: duration().optional(),
  max: duration().optional(),
  statuses: z.array(httpStatus).optional(),
} satisfies OptionShape<RetryOptions>;

/** The check of a retry object as a whole: a cap below the first step is a mistake, not a policy. */
export function checkRetryBounds(options: Pick<RetryOptions, 'base' | 'max'>, ctx: z.RefinementCtx): void {
  const baseMs = parseDuration(options.base ?? RETRY_DEFAULTS.base);
  const maxMs = parseDuration(options.max ?? RETRY_DEFAULTS.max);
  if (maxMs < baseMs)
    ctx.addIssue({ code: 'custom', path: ['max'], message: `must be at least retry.base (${baseMs} ms), got ${maxMs} ms` });
}

export const retryOptionsSchema = strictOptions(retryOptionsShape).superRefine(checkRetryBounds);

/** Checks `options` (a {@link ConfigError} at `path.option`) and applies {@link RETRY_DEFAULTS}; `false` is no retries. */
export function resolveRetryPolicy(options: RetryOptions | false | undefined, path = 'retry'): RetryPolicy {
  if (options === false) return { ...resolveRetryPolicy(undefined, path), retries: 0 };
  const parsed = parseOptions(retryOptionsSchema, options ?? {});
  if (parsed.issues !== undefined) throw ConfigError.fromIssue(path, parsed.issues[0] as (typeof parsed.issues)[number]);
  const { retries = RETRY_DEFAULTS.retries, base = RETRY_DEFAULTS.base, max = RETRY_DEFAULTS.max } = parsed.data;
  return {
    retries,
    baseMs: parseDuration(base),
    maxMs: parseDuration(max),
    statuses: new Set(parsed.data.statuses ?? RETRY_DEFAULTS.statuses),
  };
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
