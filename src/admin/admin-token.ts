import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh admin token: 256 random bits, URL-safe. */
export function generateAdminToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Whether `given` is `expected`, in time that does not depend on where they
 * differ (or on their lengths: both are hashed to one size first).
 */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}

/**
 * What the admin derives from its token: the session cookie's value and the
 * CSRF token of forms. Both change with the token, and neither reveals it.
 */
export class AdminSecrets {
  readonly #token: string;
  readonly session: string;
  readonly csrf: string;

  constructor(token: string) {
    if (token.length < 16) throw new RangeError('the admin token must be at least 16 characters long');
    this.#token = token;
    this.session = this.#derive('session');
    this.csrf = this.#derive('csrf');
  }

  isToken(given: string | undefined): boolean {
    return given !== undefined && sameSecret(given, this.#token);
  }

  isSession(given: string | undefined): boolean {
    return given !== undefined && sameSecret(given, this.session);
  }

  isCsrf(given: string | undefined): boolean {
    return given !== undefined && sameSecret(given, this.csrf);
  }

  #derive(purpose: string): string {
    return createHmac('sha256', this.#token).update(`siphon-admin:${purpose}`).digest('base64url');
  }
}
