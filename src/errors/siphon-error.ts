/** The request an error belongs to; the URL is already redacted. */
export interface RequestSummary {
  readonly method: string;
  readonly url: string;
}

/** The response an error belongs to; the URL is already redacted. */
export interface ResponseSummary {
  readonly status: number;
  readonly statusText: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
}

export interface SiphonErrorOptions {
  readonly cause?: unknown;
  readonly request?: RequestSummary;
  readonly response?: ResponseSummary;
  /** 1-based attempt on which the error happened. */
  readonly attempt?: number;
}

/** Base class of every error Siphon throws on purpose. */
export class SiphonError extends Error {
  override name: string = 'SiphonError';
  readonly request: RequestSummary | undefined;
  readonly response: ResponseSummary | undefined;
  attempt: number | undefined;

  constructor(message: string, options: SiphonErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.request = options.request;
    this.response = options.response;
    this.attempt = options.attempt;
  }
}
