import { type RequestSummary, SiphonError, type SiphonErrorOptions } from './siphon-error.js';

/** The connection failed: refused, reset, closed mid-body, or the host is unknown. */
export class NetworkError extends SiphonError {
  override name = 'NetworkError' as const;
  /** The system error code when there is one (`ECONNRESET`, `ECONNREFUSED`, …). */
  readonly code: string | undefined;
  declare readonly request: RequestSummary;

  constructor(request: RequestSummary, options: Omit<SiphonErrorOptions, 'request'> & { code?: string; note?: string } = {}) {
    const detail = options.code ?? describeCause(options.cause);
    const note = options.note ? ` (${options.note})` : '';
    super(`network error on ${request.method} ${request.url}: ${detail}${note}`, { ...options, request, retryable: true });
    this.code = options.code;
  }
}

function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause ?? 'unknown failure');
  // undici's own message is only "fetch failed"; what failed (`bad port`, …) is further down the chain.
  let deepest: Error = cause;
  for (let depth = 0; depth < 5 && deepest.cause instanceof Error; depth += 1) deepest = deepest.cause;
  return deepest === cause ? cause.message : `${cause.message}: ${deepest.message}`;
}
