import { type RequestSummary, SiphonError, type SiphonErrorOptions } from './siphon-error.js';

/**
 * A response body grew past `maxResponseSize` once decoded, so reading stopped
 * there: a compressed body can inflate a thousandfold, and memory must not
 * follow. Not retryable: the same request would send the same body.
 */
export class ResponseTooLargeError extends SiphonError {
  override name = 'ResponseTooLargeError' as const;
  /** The limit, in decoded bytes. */
  readonly maxBytes: number;
  declare readonly request: RequestSummary;

  constructor(request: RequestSummary, maxBytes: number, options: Omit<SiphonErrorOptions, 'request' | 'retryable'> = {}) {
    super(
      `${request.method} ${request.url}: the response body is larger than maxResponseSize ${describeBytes(maxBytes)} once decoded; stopped reading it`,
      { ...options, request, retryable: false },
    );
    this.maxBytes = maxBytes;
  }
}

function describeBytes(bytes: number): string {
  const mb = bytes / 1024 / 1024;
  return mb >= 1 && Number.isInteger(mb) ? `(${mb} MB)` : `(${bytes} bytes)`;
}
