import * as z from 'zod';
import { AuthError } from '../../errors/auth-error.js';
import { describeValue, expected } from '../../util/describe-value.js';
import { redactUrl, snippet } from '../../util/redact.js';
import { SecretValues } from '../../util/secret-values.js';
import type { OptionShape } from '../../util/strict-options.js';
import type { Auth, AuthContext, OutgoingRequest } from '../types.js';
import { authOptions, checkedAuthConfig, optionalChoice, optionalString, requiredString } from './config-fields.js';

/** OAuth2 client credentials grant (RFC 6749 §4.4): machine-to-machine access tokens. */
export interface OAuth2ClientCredentialsAuthConfig {
  type: 'oauth2ClientCredentials';
  /** The token endpoint, e.g. `https://auth.example.com/oauth/token`. */
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Space-separated scopes to ask for. */
  scope?: string;
  /** The API the token is meant for, as Auth0 and others expect it. */
  audience?: string;
  /**
   * How the client proves itself to the token endpoint: `body` sends
   * `client_id` and `client_secret` as form fields (`client_secret_post`),
   * `basic` sends them as `Authorization: Basic` (`client_secret_basic`,
   * each part form-encoded first as RFC 6749 §2.3.1 requires).
   * @default 'body'
   */
  clientAuth?: 'basic' | 'body';
  /** Further form fields of the token request (`resource`, `tenant_id`, …). */
  extraParams?: Record<string, string>;
  /**
   * How long before `expires_in` runs out a token is replaced, so it never
   * expires while a slow request and its retries are under way. Capped at half
   * the token's lifetime, so a short-lived token is still reused.
   * @default 30_000
   */
  refreshMarginMs?: number;
}

const KIND = 'oauth2ClientCredentials';
const DEFAULT_REFRESH_MARGIN_MS = 30_000;
const RESERVED_PARAMS = new Set(['grant_type', 'client_secret']);

/** `null` is an absent option, as a YAML key left empty writes it. */
const absentIfNull = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === null ? undefined : value), schema.optional());

const tokenUrl = requiredString().superRefine((value, ctx) => {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: `"${redactUrl(value)}" is not an absolute URL` });
    return;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    ctx.addIssue({ code: 'custom', message: `must be an http or https URL, got ${parsed.protocol}` });
  }
});

const extraParams = z
  .record(z.string(), z.string({ error: (issue) => expected('a string', issue.input) }), {
    error: (issue) => `must be an object of string values, got ${describeValue(issue.input)}`,
  })
  .superRefine((params, ctx) => {
    for (const name of Object.keys(params)) {
      if (RESERVED_PARAMS.has(name))
        ctx.addIssue({ code: 'custom', path: [name], message: 'is set by Siphon itself and cannot be overridden' });
    }
  });

const refreshMarginMs = z.number({ error: (issue) => expected('a non-negative number of milliseconds', issue.input) }).min(0, {
  error: (issue) => expected('a non-negative number of milliseconds', issue.input),
});

/** The options of {@link oauth2ClientCredentialsAuth}, as `createAuth` and the config file check them. */
export const oauth2ClientCredentialsAuthSchema = authOptions(KIND, {
  tokenUrl,
  clientId: requiredString(),
  clientSecret: requiredString(),
  scope: optionalString,
  audience: optionalString,
  clientAuth: optionalChoice(['basic', 'body']),
  extraParams: absentIfNull(extraParams),
  refreshMarginMs: absentIfNull(refreshMarginMs),
} satisfies OptionShape<Omit<OAuth2ClientCredentialsAuthConfig, 'type'>>);

interface Settings {
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly scope: string | undefined;
  readonly audience: string | undefined;
  readonly clientAuth: 'basic' | 'body';
  readonly extraParams: Readonly<Record<string, string>>;
  readonly refreshMarginMs: number;
}

interface CachedToken {
  readonly accessToken: string;
  /** Epoch ms from which the token is replaced instead of used; `Infinity` when the server gave no lifetime. */
  readonly refreshAt: number;
}

/** One token request shared by every `apply` that needs a token meanwhile. */
interface TokenFlight {
  readonly promise: Promise<CachedToken>;
  readonly controller: AbortController;
  waiters: number;
}

/**
 * Fetches a token on first use and sends `Authorization: Bearer <token>`.
 * The token is cached until `expires_in` minus the margin (or, without
 * `expires_in`, until the API answers 401).
 */
export function oauth2ClientCredentialsAuth(config: OAuth2ClientCredentialsAuthConfig, path = 'auth'): Auth {
  return new OAuth2ClientCredentials(resolveSettings(config, path));
}

class OAuth2ClientCredentials implements Auth {
  readonly kind = KIND;
  readonly secretNames: readonly string[] = ['authorization'];
  readonly #settings: Settings;

  get secretValues(): readonly string[] {
    const { clientId, clientSecret } = this.#settings;
    const pair = `${formEncode(clientId)}:${formEncode(clientSecret)}`;
    return this.#cached ? [clientSecret, pair, this.#cached.accessToken] : [clientSecret, pair];
  }
  #cached: CachedToken | undefined;
  #flight: TokenFlight | undefined;

  constructor(settings: Settings) {
    this.#settings = settings;
  }

  async apply(request: OutgoingRequest, context: AuthContext): Promise<void> {
    const token = await this.#token(context);
    request.headers.set('authorization', `Bearer ${token}`);
  }

  onUnauthorized(): boolean {
    // The request that failed may have carried a token replaced meanwhile; we
    // cannot tell, so a late 401 costs at most one extra token request.
    this.#cached = undefined;
    return true;
  }

  async #token(context: AuthContext): Promise<string> {
    const { signal } = context;
    if (signal.aborted) throw signal.reason;
    const cached = this.#cached;
    if (cached && Date.now() < cached.refreshAt) return cached.accessToken;
    const flight = this.#flight ?? this.#startFlight(context.fetch);
    flight.waiters += 1;
    try {
      return (await untilAborted(flight.promise, signal)).accessToken;
    } finally {
      flight.waiters -= 1;
      // One caller giving up must not fail the others sharing the request:
      // it is cancelled only once nobody waits for it any more.
      if (flight.waiters === 0 && signal.aborted && this.#flight === flight) {
        this.#flight = undefined;
        flight.controller.abort(signal.reason);
      }
    }
  }

  #startFlight(fetchFn: typeof fetch): TokenFlight {
    const controller = new AbortController();
    const flight: TokenFlight = { promise: requestToken(this.#settings, fetchFn, controller.signal), controller, waiters: 0 };
    this.#flight = flight;
    flight.promise.then(
      (token) => {
        this.#cached = token;
        if (this.#flight === flight) this.#flight = undefined;
      },
      () => {
        // Not cached: the next `apply` tries again. Waiters see the error themselves.
        if (this.#flight === flight) this.#flight = undefined;
      },
    );
    return flight;
  }
}

async function requestToken(settings: Settings, fetchFn: typeof fetch, signal: AbortSignal): Promise<CachedToken> {
  const { tokenUrl, clientId, clientSecret, clientAuth } = settings;
  const where = `the token endpoint ${redactUrl(tokenUrl)}`;
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (settings.scope) form.set('scope', settings.scope);
  if (settings.audience) form.set('audience', settings.audience);
  for (const [name, value] of Object.entries(settings.extraParams)) form.set(name, value);
  const headers = new Headers({ 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' });
  if (clientAuth === 'basic') {
    const credentials = `${formEncode(clientId)}:${formEncode(clientSecret)}`;
    headers.set('authorization', `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`);
  } else {
    form.set('client_id', clientId);
    form.set('client_secret', clientSecret);
  }

  // The lifetime counts from when the server issued the token: measuring from
  // before the request errs on the early side.
  const startedAt = Date.now();
  let status: number;
  let statusText: string;
  let contentType: string;
  let text: string;
  try {
    // Redirects are not followed: the client secret goes to the configured URL and nowhere else.
    const response = await fetchFn(tokenUrl, { method: 'POST', headers, body: form.toString(), signal, redirect: 'manual' });
    ({ status, statusText } = response);
    contentType = response.headers.get('content-type') ?? '';
    text = await response.text();
  } catch (cause) {
    if (signal.aborted) throw signal.reason;
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new AuthError(KIND, `could not reach ${where}: ${detail}`, { cause });
  }

  const body = () => {
    // The Basic pair is masked as well: a server echoing the header echoes its base64.
    const shown = redactBody(text, [clientSecret, formEncode(clientSecret), `${formEncode(clientId)}:${formEncode(clientSecret)}`]);
    return shown ? `: ${shown}` : '';
  };
  if (status < 200 || status > 299) {
    throw new AuthError(KIND, `${where} answered HTTP ${status}${statusText ? ` ${statusText}` : ''}${body()}`);
  }
  const fields = parseTokenResponse(text, contentType);
  const accessToken = fields?.access_token;
  if (typeof accessToken !== 'string' || accessToken === '') {
    throw new AuthError(KIND, `${where} answered HTTP ${status} without an access_token${body()}`);
  }
  // `token_type` is not checked: servers spell "Bearer" many ways and some omit it.
  const lifetimeMs = Number(fields?.expires_in) * 1000;
  if (!Number.isFinite(lifetimeMs) || lifetimeMs <= 0) return { accessToken, refreshAt: Infinity };
  const margin = Math.min(settings.refreshMarginMs, lifetimeMs / 2);
  return { accessToken, refreshAt: startedAt + lifetimeMs - margin };
}

/** JSON as RFC 6749 §5.1 says; form-encoded as some older providers answer. */
function parseTokenResponse(text: string, contentType: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    return undefined;
  } catch {
    if (contentType.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
    return undefined;
  }
}

/** RFC 6749 §2.3.1: client id and secret are form-encoded before they are joined for Basic. */
function formEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}

const CREDENTIAL_FIELD = '(?:access_token|refresh_token|id_token|token|client_secret|secret|password|assertion)';
const JSON_CREDENTIAL = new RegExp(`("${CREDENTIAL_FIELD}"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, 'gi');
const FORM_CREDENTIAL = new RegExp(`((?:^|&)${CREDENTIAL_FIELD}=)[^&]*`, 'gi');

/**
 * An error body fit for a message. Some token endpoints echo the request, so
 * the secret is masked in every encoding it was sent in, and so is any field
 * that carries a credential; masking happens before shortening, so a cut can
 * never leave half a secret behind.
 */
function redactBody(text: string, secrets: readonly string[]): string {
  let out = new SecretValues(secrets).mask(text);
  out = out.replace(JSON_CREDENTIAL, '$1"***"').replace(FORM_CREDENTIAL, '$1***');
  return snippet(out);
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function resolveSettings(config: OAuth2ClientCredentialsAuthConfig, path: string): Settings {
  const checked = checkedAuthConfig(oauth2ClientCredentialsAuthSchema, config, path);
  return {
    tokenUrl: checked.tokenUrl,
    clientId: checked.clientId,
    clientSecret: checked.clientSecret,
    scope: checked.scope,
    audience: checked.audience,
    clientAuth: checked.clientAuth ?? 'body',
    extraParams: { ...checked.extraParams },
    refreshMarginMs: checked.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS,
  };
}
