import { SiphonError, type SiphonErrorOptions } from './siphon-error.js';

/** Credentials could not be obtained, e.g. the OAuth2 token endpoint refused the client. */
export class AuthError extends SiphonError {
  override name = 'AuthError' as const;
  /** The auth kind that failed (`oauth2ClientCredentials`, …). */
  readonly kind: string;

  constructor(kind: string, message: string, options: SiphonErrorOptions = {}) {
    // Credentials that were refused are refused again.
    super(`${kind} auth: ${message}`, { ...options, retryable: false });
    this.kind = kind;
  }
}
