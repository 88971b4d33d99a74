import { type RequestSummary, type ResponseSummary, SiphonError, type SiphonErrorOptions } from './siphon-error.js';

/** The response body is not the JSON Siphon expected: HTML, plain text, or cut short. */
export class ResponseBodyError extends SiphonError {
  override name = 'ResponseBodyError' as const;
  readonly contentType: string;
  readonly bodySnippet: string;
  declare readonly request: RequestSummary;
  declare readonly response: ResponseSummary;

  constructor(
    request: RequestSummary,
    response: ResponseSummary,
    reason: string,
    bodySnippet: string,
    options: Omit<SiphonErrorOptions, 'request' | 'response'> = {},
  ) {
    const contentType = response.headers['content-type'] ?? '';
    const body = bodySnippet ? `: ${bodySnippet}` : '';
    super(`${reason} from ${request.method} ${request.url} (HTTP ${response.status}, content-type ${contentType || 'none'})${body}`, {
      ...options,
      request,
      response,
      // The same request gets the same body; a body cut short is a NetworkError.
      retryable: false,
    });
    this.contentType = contentType;
    this.bodySnippet = bodySnippet;
  }
}
