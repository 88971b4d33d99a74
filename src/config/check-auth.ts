import type { ApiKeyAuthConfig } from '../http/auth/api-key.js';
import type { BasicAuthConfig } from '../http/auth/basic.js';
import type { BearerAuthConfig } from '../http/auth/bearer.js';
import type { OAuth2ClientCredentialsAuthConfig } from '../http/auth/oauth2-client-credentials.js';
import { type AuthConfig, authKinds, createAuth } from '../http/auth/registry.js';
import type { TokenAuthConfig } from '../http/auth/token.js';
import { didYouMean } from '../util/did-you-mean.js';
import { joinPath } from '../util/option-path.js';
import type { IssueList } from './issue-list.js';

type Keys<C> = { readonly [K in keyof Required<C>]: true };

// `createAuth` checks the fields it reads but ignores others; a misspelt
// `tokne` must not pass silently, so the options of each kind are listed here
// (typed, so a field added to a kind without updating this list fails to compile).
const AUTH_OPTIONS: { readonly [K in AuthConfig['type']]: Keys<Extract<AuthConfig, { type: K }>> } = {
  bearer: { type: true, token: true } satisfies Keys<BearerAuthConfig>,
  token: { type: true, token: true, scheme: true } satisfies Keys<TokenAuthConfig>,
  apiKey: { type: true, in: true, name: true, value: true } satisfies Keys<ApiKeyAuthConfig>,
  basic: { type: true, username: true, password: true } satisfies Keys<BasicAuthConfig>,
  oauth2ClientCredentials: {
    type: true,
    tokenUrl: true,
    clientId: true,
    clientSecret: true,
    scope: true,
    audience: true,
    clientAuth: true,
    extraParams: true,
    refreshMarginMs: true,
  } satisfies Keys<OAuth2ClientCredentialsAuthConfig>,
};

/** Checks an auth config with the engine's own `createAuth`, plus unknown options; issues go under `path`. */
export function checkAuth(config: AuthConfig, path: string, issues: IssueList): void {
  const type: unknown = config.type;
  if (typeof type === 'string' && Object.hasOwn(authKinds, type)) {
    const valid = Object.keys(AUTH_OPTIONS[type as AuthConfig['type']]);
    for (const key of Object.keys(config)) {
      if (valid.includes(key)) continue;
      const hint = didYouMean(key, valid);
      issues.add(joinPath(path, key), `unknown option for ${type} auth${hint}; valid options: ${valid.join(', ')}`);
    }
  }
  issues.attempt(() => createAuth(config, path));
}
