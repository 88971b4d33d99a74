import { SiphonError, type SiphonErrorOptions } from './siphon-error.js';

/** One entry of a GraphQL response's `errors`, as far as Siphon reads it. */
export interface GraphqlErrorEntry {
  readonly message: string;
  /** `path` of the entry, joined (`events.edges.3.node`), when it has one. */
  readonly path?: string | undefined;
  /** `extensions.code`, or GitHub's top-level `type` (`RATE_LIMITED`). */
  readonly code?: string | undefined;
}

/**
 * A GraphQL API answered with `errors` (often with HTTP 200): the page
 * failed, even when `data` holds part of it, since a page with errors is not
 * the whole page. Retryable (by the run) only when every error's code says
 * rate limiting or a timeout; a rule in `responseActions` on the code retries
 * the request itself.
 */
export class GraphqlError extends SiphonError {
  override name = 'GraphqlError' as const;
  readonly errors: readonly GraphqlErrorEntry[];

  constructor(where: string, errors: readonly GraphqlErrorEntry[], options: Omit<SiphonErrorOptions, 'retryable'> = {}) {
    const listed = errors.slice(0, 5).map(describeEntry).join('; ');
    const more = errors.length > 5 ? `; … (${errors.length} errors in all)` : '';
    super(`GraphQL ${errors.length === 1 ? 'error' : 'errors'} in the response to ${where}: ${listed}${more}`, {
      ...options,
      retryable: errors.length > 0 && errors.every((entry) => entry.code !== undefined && TRANSIENT_CODES.has(entry.code)),
    });
    this.errors = errors;
  }
}

/** Codes GraphQL APIs give to errors that pass when tried again later (GitHub, Shopify, Apollo). */
export const TRANSIENT_CODES: ReadonlySet<string> = new Set(['RATE_LIMITED', 'THROTTLED', 'TIMEOUT', 'TIMED_OUT']);

function describeEntry(entry: GraphqlErrorEntry): string {
  const tags = [entry.code, entry.path && `at ${entry.path}`].filter((tag): tag is string => typeof tag === 'string' && tag !== '');
  return tags.length === 0 ? entry.message : `${entry.message} (${tags.join(', ')})`;
}
