import type { OptionShape } from '../../util/strict-options.js';
import type { Auth } from '../types.js';
import { authOptions, checkedAuthConfig, headerSecret } from './config-fields.js';

/** A static bearer token (OAuth2 access token, personal access token, JWT). */
export interface BearerAuthConfig {
  type: 'bearer';
  token: string;
}

/** The options of {@link bearerAuth}, as `createAuth` and the config file check them. */
export const bearerAuthSchema = authOptions('bearer', { token: headerSecret } satisfies OptionShape<Omit<BearerAuthConfig, 'type'>>);

/** Sends `Authorization: Bearer <token>`. */
export function bearerAuth(config: BearerAuthConfig, path = 'auth'): Auth {
  const { token } = checkedAuthConfig(bearerAuthSchema, config, path);
  const value = `Bearer ${token}`;
  return {
    kind: 'bearer',
    secretNames: ['authorization'],
    secretValues: [token],
    apply(request) {
      request.headers.set('authorization', value);
    },
  };
}
