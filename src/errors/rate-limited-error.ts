import { type RequestSummary, type ResponseSummary, SiphonError, type SiphonErrorOptions } from './siphon-error.js';

/** The body said "rate limited" (see `rateLimitedWhen`) on every attempt. */
export class RateLimitedError extends SiphonError {
  override name = 'RateLimitedError' as const;
  declare readonly request: RequestSummary;
  declare readonly response: ResponseSummary;

  constructor(
    request: RequestSummary,
    response: ResponseSummary,
    signal: string,
    options: Omit<SiphonErrorOptions, 'request' | 'response'> = {},
  ) {
    super(`rate limited by ${request.method} ${request.url} (${signal}) and out of retries`, {
      ...options,
      request,
      response,
      retryable: true,
    });
  }
}
