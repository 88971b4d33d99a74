import { type RequestSummary, type ResponseSummary, SiphonError, type SiphonErrorOptions } from './siphon-error.js';

/**
 * The server answered with a status Siphon does not retry (or retried in
 * vain). `retryable` is whether the source's `retry.statuses` include it, so
 * a run is retried exactly when its requests would have been.
 */
export class HttpStatusError extends SiphonError {
  override name = 'HttpStatusError' as const;
  readonly status: number;
  /** The start of the response body, whitespace folded. */
  readonly bodySnippet: string;
  declare readonly request: RequestSummary;
  declare readonly response: ResponseSummary;

  constructor(
    request: RequestSummary,
    response: ResponseSummary,
    bodySnippet: string,
    options: Omit<SiphonErrorOptions, 'request' | 'response' | 'retryable'> & { readonly retryable: boolean; readonly note?: string },
  ) {
    const reason = response.statusText ? ` ${response.statusText}` : '';
    const note = options.note ? ` (${options.note})` : '';
    const body = bodySnippet ? `: ${bodySnippet}` : '';
    super(`HTTP ${response.status}${reason} from ${request.method} ${request.url}${note}${body}`, {
      ...options,
      request,
      response,
    });
    this.status = response.status;
    this.bodySnippet = bodySnippet;
  }
}
