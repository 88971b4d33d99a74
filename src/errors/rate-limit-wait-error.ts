import { type RequestSummary, SiphonError, type SiphonErrorOptions } from './siphon-error.js';

/**
 * The server announced that its rate limit is used up for longer than the
 * source's `retry.max`. Waiting would hold the run (and its lease) for that
 * long, silently; failing says so. Not retryable: a run retried now would
 * be told the same.
 */
export class RateLimitWaitError extends SiphonError {
  override name = 'RateLimitWaitError' as const;
  /** Milliseconds the server asked to wait. */
  readonly waitMs: number;
  declare readonly request: RequestSummary;

  constructor(
    request: RequestSummary,
    waitMs: number,
    maxMs: number,
    announcedBy: string,
    options: Omit<SiphonErrorOptions, 'request' | 'retryable'> = {},
  ) {
    super(
      `${request.method} ${request.url}: the server's rate limit is used up for ${Math.ceil(waitMs / 1000)} s ` +
        `(announced by ${announcedBy}), more than retry.max ${Math.round(maxMs / 1000)} s; not waiting`,
      { ...options, request, retryable: false },
    );
    this.waitMs = waitMs;
  }
}
