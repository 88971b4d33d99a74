import { ConfigError } from '../../errors/config-error.js';
import type { Auth } from '../types.js';
import { type ApiKeyAuthConfig, apiKeyAuth } from './api-key.js';
import { type BasicAuthConfig, basicAuth } from './basic.js';
import { type BearerAuthConfig, bearerAuth } from './bearer.js';
import { type OAuth2ClientCredentialsAuthConfig, oauth2ClientCredentialsAuth } from './oauth2-client-credentials.js';
import { type TokenAuthConfig, tokenAuth } from './token.js';

/** Every auth kind a config file can name. */
export type AuthConfig = BearerAuthConfig | TokenAuthConfig | ApiKeyAuthConfig | BasicAuthConfig | OAuth2ClientCredentialsAuthConfig;

/** Builds the `Auth` of one kind from its config; `path` locates the config in error messages. */
export type AuthFactory<C extends AuthConfig = AuthConfig> = (config: C, path?: string) => Auth;

/** The auth kinds by config name. */
export const authKinds: { readonly [K in AuthConfig['type']]: AuthFactory<Extract<AuthConfig, { type: K }>> } = {
  bearer: bearerAuth,
  token: tokenAuth,
  apiKey: apiKeyAuth,
  basic: basicAuth,
  oauth2ClientCredentials: oauth2ClientCredentialsAuth,
};

const KIND_NAMES = Object.keys(authKinds).join(', ');

/**
 * Turns an auth config into an `Auth`, checking it on the way; an object that
 * already is an `Auth` (has an `apply` function) passes through unchanged, so
 * callers can plug in a kind of their own.
 */
export function createAuth(config: AuthConfig | Auth, path = 'auth'): Auth {
  if (config === null || typeof config !== 'object') {
    throw new ConfigError(path, `expected an object with a "type" (one of ${KIND_NAMES}), got ${config === null ? 'null' : typeof config}`);
  }
  if (typeof (config as Partial<Auth>).apply === 'function') return config as Auth;
  const type: unknown = (config as { type?: unknown }).type;
  if (type === undefined || type === null || type === '') {
    throw new ConfigError(`${path}.type`, `is required; expected one of ${KIND_NAMES}`);
  }
  if (typeof type !== 'string' || !Object.hasOwn(authKinds, type)) {
    throw new ConfigError(`${path}.type`, `unknown auth type ${JSON.stringify(type)}; expected one of ${KIND_NAMES}`);
  }
  const factory = authKinds[type as AuthConfig['type']] as AuthFactory;
  return factory(config as AuthConfig, path);
}
