import type { ResolvedResource } from '../config/types.js';
import { AuthError } from '../errors/auth-error.js';
import { CoercionError } from '../errors/coercion-error.js';
import { ConfigError } from '../errors/config-error.js';
import { CrossOriginError } from '../errors/cross-origin-error.js';
import { HttpStatusError } from '../errors/http-status-error.js';
import { PaginationError } from '../errors/pagination-error.js';
import { ResponseBodyError } from '../errors/response-body-error.js';
import { SchemaError } from '../errors/schema-error.js';
import { backoffDelay, type RetryPolicy, resolveRetryPolicy } from '../http/retry-policy.js';

/**
 * Whether running the resource again could fix what failed. Configuration,
 * schema and data errors, and 4xx answers other than 408/425/429, fail the
 * same way every time (Celery's `autoretry_for` would burn its retries on them).
 */
export function isRetryableRunError(error: unknown): boolean {
  if (error instanceof ConfigError || error instanceof SchemaError || error instanceof CoercionError) return false;
  if (error instanceof CrossOriginError || error instanceof PaginationError || error instanceof AuthError) return false;
  if (error instanceof ResponseBodyError) return false;
  if (error instanceof HttpStatusError) return error.status >= 500 || [408, 425, 429].includes(error.status);
  return true;
}

/** The run-level retry policy of a resource: its source's `retry` (the recipe's 5 retries, capped at 600 s). */
export function runRetryPolicy(resource: ResolvedResource): RetryPolicy {
  return resolveRetryPolicy(resource.source.retry, `sources.${resource.source.name}.retry`);
}

/** Milliseconds before retry number `retry` (1-based): exponential backoff with full jitter, capped. */
export function runRetryDelay(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  return backoffDelay(policy, retry, random);
}
