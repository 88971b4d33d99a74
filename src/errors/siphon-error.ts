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
  /** How the client's retries ended (`gave up after 3 attempts`), appended to the message. */
  readonly retryNote?: string | undefined;
  /**
   * Whether trying again could succeed; subclasses that know better (a bad
   * config, an HTTP status outside the retried ones) fix it themselves.
   * @default true
   */
  readonly retryable?: boolean;
}

/**
 * Base class of every error Siphon throws on purpose. `retryable` says what to
 * do with it: a network failure, a timeout, a rate limit or a status the
 * source retries may pass if tried again (the request, or the whole run); a
 * bad config, schema, value, credential, link or page never will (BullMQ's
 * `UnrecoverableError`, as a flag every error carries).
 */
export class SiphonError extends Error {
  override name: string = 'SiphonError';
  readonly request: RequestSummary | undefined;
  readonly response: ResponseSummary | undefined;
  /** 1-based attempt on which the error happened. */
  readonly attempt: number | undefined;
  /** Whether trying again (the request, or the whole run) could succeed. */
  readonly retryable: boolean;

  constructor(message: string, options: SiphonErrorOptions = {}) {
    // Built here, once: nothing appends to a message after the error exists.
    const full = options.retryNote === undefined ? message : `${message} (${options.retryNote})`;
    super(full, options.cause === undefined ? undefined : { cause: options.cause });
    this.request = options.request;
    this.response = options.response;
    this.attempt = options.attempt;
    this.retryable = options.retryable ?? true;
  }
}
