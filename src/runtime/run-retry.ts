import type { ResolvedResource } from '../config/types.js';
import { SiphonError } from '../errors/siphon-error.js';
import { backoffDelay, type RetryPolicy, resolveRetryPolicy } from '../http/retry-policy.js';

/**
 * Whether running the resource again could fix what failed: what the error
 * says of itself (`retryable`: config, schema, data, auth and pagination
 * errors and statuses outside the source's `retry.statuses` fail the same way
 * every time, and Celery's `autoretry_for` would burn its retries on them).
 * Errors Siphon did not raise (a lost database connection) may pass next time.
 */
export function isRetryableRunError(error: unknown): boolean {
  return !(error instanceof SiphonError) || error.retryable;
}

/** The run-level retry policy of a resource: its source's `retry` (the recipe's 5 retries, capped at 600 s). */
export function runRetryPolicy(resource: ResolvedResource): RetryPolicy {
  return resolveRetryPolicy(resource.source.retry, `sources.${resource.source.name}.retry`);
}

/** Milliseconds before retry number `retry` (1-based): exponential backoff with full jitter, capped. */
export function runRetryDelay(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  return backoffDelay(policy, retry, random);
}
