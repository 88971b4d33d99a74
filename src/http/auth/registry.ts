import * as z from 'zod';
import { ConfigError } from '../../errors/config-error.js';
import { describeValue } from '../../util/describe-value.js';
import { didYouMean } from '../../util/did-you-mean.js';
import { type OptionIssue, parseOptions } from '../../util/option-issues.js';
import type { Auth } from '../types.js';
import { type ApiKeyAuthConfig, apiKeyAuth, apiKeyAuthSchema } from './api-key.js';
import { type BasicAuthConfig, basicAuth, basicAuthSchema } from './basic.js';
import { type BearerAuthConfig, bearerAuth, bearerAuthSchema } from './bearer.js';
import {
  type OAuth2ClientCredentialsAuthConfig,
  oauth2ClientCredentialsAuth,
  oauth2ClientCredentialsAuthSchema,
} from './oauth2-client-credentials.js';
import { type TokenAuthConfig, tokenAuth, tokenAuthSchema } from './token.js';

/** Every auth kind a config file can name. */
export type AuthConfig = BearerAuthConfig | TokenAuthConfig | ApiKeyAuthConfig | BasicAuthConfig | OAuth2ClientCredentialsAuthConfig;

/** Builds the `Auth` of one kind from its config, checking it; `path` locates the config in error messages. */
export type AuthFactory<C extends AuthConfig = AuthConfig> = (config: C, path?: string) => Auth;

/** One auth kind: the schema of its config and the factory that checks it with that schema and builds the `Auth`. */
export interface AuthKind<C extends AuthConfig = AuthConfig> {
  readonly schema: z.ZodType<C>;
  readonly create: AuthFactory<C>;
}

/** The auth kinds by config name: the one table behind `createAuth` and the config file's `auth`. */
export const authKinds: { readonly [K in AuthConfig['type']]: AuthKind<Extract<AuthConfig, { type: K }>> } = {
  bearer: { schema: bearerAuthSchema, create: bearerAuth },
  token: { schema: tokenAuthSchema, create: tokenAuth },
  apiKey: { schema: apiKeyAuthSchema, create: apiKeyAuth },
  basic: { schema: basicAuthSchema, create: basicAuth },
  oauth2ClientCredentials: { schema: oauth2ClientCredentialsAuthSchema, create: oauth2ClientCredentialsAuth },
};

const KIND_NAMES = Object.keys(authKinds);
const isKind = (type: unknown): type is AuthConfig['type'] => typeof type === 'string' && Object.hasOwn(authKinds, type);

/** What is wrong with the kind of an auth config (`[]` for the value, `['type']` for its type), or `undefined`. */
function kindIssue(config: unknown): OptionIssue | undefined {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    return { path: [], message: `expected a mapping with a "type" (one of ${KIND_NAMES.join(', ')}), got ${describeValue(config)}` };
  }
  const type: unknown = (config as { type?: unknown }).type;
  if (type === undefined || type === null || type === '')
    return { path: ['type'], message: `is required; expected one of ${KIND_NAMES.join(', ')}` };
  if (isKind(type)) return undefined;
  const hint = typeof type === 'string' ? didYouMean(type, KIND_NAMES) : '';
  return { path: ['type'], message: `unknown auth type ${describeValue(type)}${hint}; expected one of ${KIND_NAMES.join(', ')}` };
}

/** Every problem of an auth config as written, checked by its kind's schema; paths relative to the config. */
export function checkAuthConfig(config: unknown): readonly OptionIssue[] {
  const issue = kindIssue(config);
  if (issue !== undefined) return [issue];
  const kind = authKinds[(config as AuthConfig).type] as AuthKind;
  return parseOptions(kind.schema, config).issues ?? [];
}

/** The `auth` of a config file, checked by its kind's own schema. */
export const authConfigSchema = z.custom<AuthConfig>().superRefine((value, ctx) => {
  for (const issue of checkAuthConfig(value)) ctx.addIssue({ code: 'custom', path: [...issue.path], message: issue.message });
});

/**
 * Turns an auth config into an `Auth`, checking it on the way; an object that
 * already is an `Auth` (has an `apply` function) passes through unchanged, so
 * callers can plug in a kind of their own.
 */
export function createAuth(config: AuthConfig | Auth, path = 'auth'): Auth {
  if (config !== null && typeof config === 'object' && typeof (config as Partial<Auth>).apply === 'function') return config as Auth;
  const issue = kindIssue(config);
  if (issue !== undefined) throw ConfigError.fromIssue(path, issue);
  const kind = authKinds[(config as AuthConfig).type] as AuthKind;
  return kind.create(config as AuthConfig, path);
}
