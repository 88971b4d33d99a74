import { ConfigError } from '../../errors/config-error.js';
import type { Auth } from '../types.js';
import { requireString } from './config-fields.js';

/** HTTP Basic authentication (RFC 7617). */
export interface BasicAuthConfig {
  type: 'basic';
  username: string;
  /** May be empty: some APIs (Stripe, for one) take the key as the user name and no password. */
  password: string;
}

/** Sends `Authorization: Basic base64(username:password)`, UTF-8 encoded (RFC 7617 `charset="UTF-8"`). */
export function basicAuth(config: BasicAuthConfig, path = 'auth'): Auth {
  const username = requireString(config, 'username', path);
  const password = requireString(config, 'password', path, { allowEmpty: true });
  // The colon is the separator: a user name containing one cannot be decoded unambiguously.
  if (username.includes(':')) throw new ConfigError(`${path}.username`, 'must not contain ":" (RFC 7617)');
  const value = `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
  return {
    kind: 'basic',
    secretNames: ['authorization'],
    apply(request) {
      request.headers.set('authorization', value);
    },
  };
}
