import type { Auth } from '../types.js';
import { assertHeaderValue, assertHttpToken, optionalString, requireString } from './config-fields.js';

/** A token under a scheme of its own, as Django REST Framework's `TokenAuthentication` expects. */
export interface TokenAuthConfig {
  type: 'token';
  token: string;
  /**
   * The word before the token in the `Authorization` header.
   * @default 'Token'
   */
  scheme?: string;
}

/** Sends `Authorization: <scheme> <token>`. */
export function tokenAuth(config: TokenAuthConfig, path = 'auth'): Auth {
  const token = requireString(config, 'token', path);
  assertHeaderValue(token, `${path}.token`);
  const scheme = optionalString(config, 'scheme', path) ?? 'Token';
  assertHttpToken(scheme, `${path}.scheme`);
  const value = `${scheme} ${token}`;
  return {
    kind: 'token',
    secretNames: ['authorization'],
    apply(request) {
      request.headers.set('authorization', value);
    },
  };
}
