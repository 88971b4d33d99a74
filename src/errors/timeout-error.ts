import { type RequestSummary, SiphonError, type SiphonErrorOptions } from './siphon-error.js';

/** No complete response arrived within the per-request timeout. */
export class TimeoutError extends SiphonError {
  override name = 'TimeoutError' as const;
  readonly timeoutMs: number;
  declare readonly request: RequestSummary;

  constructor(request: RequestSummary, timeoutMs: number, options: Omit<SiphonErrorOptions, 'request'> = {}) {
    super(`${request.method} ${request.url} timed out after ${timeoutMs} ms`, { ...options, request, retryable: true });
    this.timeoutMs = timeoutMs;
  }
}
