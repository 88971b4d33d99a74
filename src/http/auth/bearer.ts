import type { Auth } from '../types.js';
import { assertHeaderValue, requireString } from './config-fields.js';

/** A static bearer token (OAuth2 access token, personal access token, JWT). */
export interface BearerAuthConfig {
  type: 'bearer';
  token: string;
}

/** Sends `Authorization: Bearer <token>`. */
export function bearerAuth(config: BearerAuthConfig, path = 'auth'): Auth {
  const token = requireString(config, 'token', path);
  assertHeaderValue(token, `${path}.token`);
  const value = `Bearer ${token}`;
  return {
    kind: 'bearer',
    secretNames: ['authorization'],
    apply(request) {
      request.headers.set('authorization', value);
    },
  };
}
