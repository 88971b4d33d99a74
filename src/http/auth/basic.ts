import type { OptionShape } from '../../util/strict-options.js';
import type { Auth } from '../types.js';
import { authOptions, checkedAuthConfig, requiredString } from './config-fields.js';

/** HTTP Basic authentication (RFC 7617). */
export interface BasicAuthConfig {
  type: 'basic';
  username: string;
  /** May be empty: some APIs (Stripe, for one) take the key as the user name and no password. */
  password: string;
}

/** The options of {@link basicAuth}, as `createAuth` and the config file check them. */
export const basicAuthSchema = authOptions('basic', {
  // The colon is the separator: a user name containing one cannot be decoded unambiguously.
  username: requiredString().refine((value) => !value.includes(':'), 'must not contain ":" (RFC 7617)'),
  password: requiredString({ allowEmpty: true }),
} satisfies OptionShape<Omit<BasicAuthConfig, 'type'>>);

/** Sends `Authorization: Basic base64(username:password)`, UTF-8 encoded (RFC 7617 `charset="UTF-8"`). */
export function basicAuth(config: BasicAuthConfig, path = 'auth'): Auth {
  const { username, password } = checkedAuthConfig(basicAuthSchema, config, path);
  const value = `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
  return {
    kind: 'basic',
    secretNames: ['authorization'],
    // The pair is what travels (base64); the password alone is what a server may echo.
    secretValues: [`${username}:${password}`, password],
    apply(request) {
      request.headers.set('authorization', value);
    },
  };
}
