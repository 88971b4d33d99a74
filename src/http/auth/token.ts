import type { OptionShape } from '../../util/strict-options.js';
import type { Auth } from '../types.js';
import { authOptions, checkedAuthConfig, headerSecret, httpTokenProblem, optionalString } from './config-fields.js';

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

/** The options of {@link tokenAuth}, as `createAuth` and the config file check them. */
export const tokenAuthSchema = authOptions('token', {
  token: headerSecret,
  scheme: optionalString.superRefine((value, ctx) => {
    const problem = value === undefined ? undefined : httpTokenProblem(value);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  }),
} satisfies OptionShape<Omit<TokenAuthConfig, 'type'>>);

/** Sends `Authorization: <scheme> <token>`. */
export function tokenAuth(config: TokenAuthConfig, path = 'auth'): Auth {
  const { token, scheme = 'Token' } = checkedAuthConfig(tokenAuthSchema, config, path);
  const value = `${scheme} ${token}`;
  return {
    kind: 'token',
    secretNames: ['authorization'],
    secretValues: [token],
    apply(request) {
      request.headers.set('authorization', value);
    },
  };
}
