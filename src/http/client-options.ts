import type { Dispatcher } from 'undici';
import * as z from 'zod';
import { ConfigError } from '../errors/config-error.js';
import type { Duration } from '../util/duration.js';
import { parseDuration } from '../util/duration.js';
import type { NumberMode } from '../util/exact-json.js';
import { type JsonPath, jsonPath } from '../util/json-path.js';
import { checkedString, duration, expecting, jsonPathString, nonNegativeInteger, oneOf, positiveInteger } from '../util/option-fields.js';
import { parseOptions } from '../util/option-issues.js';
import { SecretValues } from '../util/secret-values.js';
import { strictOptions } from '../util/strict-options.js';
import type { AuthConfig } from './auth/index.js';
import { createAuth } from './auth/index.js';
import { createRateBudget } from './rate-budget/index.js';
import { headersSchema } from './request-fields.js';
import { type RetryPolicy, resolveRetryPolicy } from './retry-policy.js';
import type { Auth, RateBudget, RateLimitedWhen, RateLimitOptions, RetryOptions } from './types.js';

/** What the client reports while it works, for progress displays and run history. */
export type ClientEvent =
  | {
      readonly type: 'retry';
      /** The attempt that failed (1-based). */
      readonly attempt: number;
      /** Milliseconds until the next attempt. */
      readonly waitMs: number;
      /** Why: `HTTP 503`, `ECONNRESET`, `timeout`, `rate limited (status.error_code = 429)`, … */
      readonly reason: string;
      /** Whether the wait was announced by the server (and pauses the whole source). */
      readonly announced: boolean;
      /** Redacted URL. */
      readonly url: string;
    }
  | { readonly type: 'throttle'; readonly waitMs: number; readonly url: string }
  | {
      /** Announced before a wait longer than 5 s on the source's rate limit, so a long wait is never silent. */
      readonly type: 'wait';
      readonly waitMs: number;
      readonly reason: string;
      /** Redacted URL of the request that waits. */
      readonly url: string;
    }
  | {
      /**
       * A response the request did not fail for but someone should know of:
       * its body was not valid UTF-8 (`invalid-utf8`), and each bad byte
       * sequence reads as U+FFFD.
       */
      readonly type: 'warning';
      readonly code: 'invalid-utf8';
      readonly message: string;
      /** Redacted URL of the response. */
      readonly url: string;
    }
  | {
      /** A `responseActions` rule said to ignore this response: no records, and its walk ends. */
      readonly type: 'ignored';
      readonly status: number;
      /** The rule that matched, in words: `status 404`. */
      readonly rule: string;
      /** Redacted URL of the response. */
      readonly url: string;
    };

/** Options of {@link HttpClient}; every default lives in {@link CLIENT_DEFAULTS} and is applied by {@link resolveClientOptions}. */
export interface HttpClientOptions {
  /** Credentials, sent only to {@link HttpClientOptions.origin}. */
  auth?: AuthConfig | Auth | undefined;
  /** Headers sent with every request (credential-like ones stay on the origin). */
  headers?: Readonly<Record<string, string>> | undefined;
  /**
   * Values that are secrets whatever header or parameter carries them (the
   * config passes every `${env:…}` value): a header or query parameter holding
   * one is never sent to another origin, and every message masks them.
   */
  secrets?: readonly string[] | undefined;
  /**
   * A declared budget (`{ requests: 30, per: '60s' }`) or a budget shared with other clients.
   * @default only the limits the server announces
   */
  rateLimit?: RateLimitOptions | RateBudget | undefined;
  /**
   * Retry policy, or `false` for none.
   * @default { retries: 5, base: '1s', max: '600s', statuses: [408, 425, 429, 500, 502, 503, 504] }
   */
  retry?: RetryOptions | false | undefined;
  /** Marks a successful body as "rate limited", e.g. CoinGecko's `status.error_code = 429`. */
  rateLimitedWhen?: RateLimitedWhen | undefined;
  /**
   * Time allowed for one attempt, body included.
   * @default '30s'
   */
  timeout?: Duration | undefined;
  /**
   * The origin (`https://api.example.com`) credentials belong to.
   * @default the origin of the first request
   */
  origin?: string | undefined;
  /**
   * What to do with a link or redirect to another origin: `'strip'` follows it
   * without credentials, `'refuse'` fails with a `CrossOriginError`.
   * @default 'strip'
   */
  crossOrigin?: 'strip' | 'refuse' | undefined;
  /**
   * Redirects followed per request.
   * @default 5
   */
  maxRedirects?: number | undefined;
  /**
   * Bytes of one response body read at most, counted after decompression, so
   * a gzip bomb cannot fill the memory; past it the request fails with a
   * non-retryable `ResponseTooLargeError`.
   * @default 67108864 (64 MB)
   */
  maxResponseSize?: number | undefined;
  /**
   * How JSON numbers are parsed, see {@link NumberMode}.
   * @default 'exact'
   */
  numbers?: NumberMode | undefined;
  /**
   * An undici dispatcher (proxy, custom pool).
   * @default a keep-alive agent owned (and closed) by the client
   */
  dispatcher?: Dispatcher | undefined;
  onEvent?: ((event: ClientEvent) => void) | undefined;
}

/** The defaults of {@link HttpClientOptions}; the config's source options fall back to the same. */
export const CLIENT_DEFAULTS = {
  timeout: '30s',
  crossOrigin: 'strip',
  maxRedirects: 5,
  maxResponseSize: 64 * 1024 * 1024,
  numbers: 'exact',
} as const satisfies Partial<HttpClientOptions>;

/** The schema of `rateLimitedWhen`, for the client and the config file's sources. */
export const rateLimitedWhenSchema = strictOptions({
  path: jsonPathString,
  equals: z.union([z.string(), z.number(), z.boolean()], expecting('a string, number or boolean')),
});

/** Schemas of the client options that are plain values, shared with the config file's source options. */
export const clientOptionFields = {
  rateLimitedWhen: rateLimitedWhenSchema,
  timeout: duration(),
  crossOrigin: oneOf(['strip', 'refuse']),
  maxRedirects: nonNegativeInteger,
  maxResponseSize: positiveInteger,
  numbers: oneOf(['exact', 'double']),
  origin: checkedString('an absolute http(s) URL such as "https://api.example.com"', (v) =>
    URL.canParse(v) ? undefined : `"${v}" is not an absolute URL`,
  ),
};

// Not strict: the walk passes its own options through to the client.
const plainOptions = z.object({
  headers: headersSchema.optional(),
  rateLimitedWhen: clientOptionFields.rateLimitedWhen.optional(),
  timeout: clientOptionFields.timeout.optional(),
  crossOrigin: clientOptionFields.crossOrigin.optional(),
  maxRedirects: clientOptionFields.maxRedirects.optional(),
  maxResponseSize: clientOptionFields.maxResponseSize.optional(),
  numbers: clientOptionFields.numbers.optional(),
  origin: clientOptionFields.origin.optional(),
});

/** {@link HttpClientOptions} checked, every default applied, every value in the form the client uses. */
export interface ResolvedClientOptions {
  readonly auth: Auth | undefined;
  readonly headers: Readonly<Record<string, string>>;
  /** The `secrets` option (the auth's own values are asked of it as they change). */
  readonly secrets: SecretValues;
  readonly budget: RateBudget;
  readonly retry: RetryPolicy;
  readonly timeoutMs: number;
  /** `undefined` until the first request names it. */
  readonly origin: string | undefined;
  readonly crossOrigin: 'strip' | 'refuse';
  readonly maxRedirects: number;
  readonly maxResponseSize: number;
  readonly numbers: NumberMode;
  readonly rateLimitedWhen: { readonly path: JsonPath; readonly equals: string | number | boolean } | undefined;
  /** `undefined`: the client makes (and owns) a keep-alive agent. */
  readonly dispatcher: Dispatcher | undefined;
  readonly onEvent: ((event: ClientEvent) => void) | undefined;
}

/**
 * Checks the client's options, the way the config file checks a source's
 * (a {@link ConfigError} at the option's path), and applies every default:
 * the one place they are applied.
 */
export function resolveClientOptions(options: HttpClientOptions = {}): ResolvedClientOptions {
  const parsed = parseOptions(plainOptions, options);
  if (parsed.issues !== undefined) throw ConfigError.fromIssue('', parsed.issues[0] as (typeof parsed.issues)[number]);
  const plain = parsed.data;
  const auth = options.auth === undefined ? undefined : createAuth(options.auth);
  return {
    auth,
    headers: plain.headers ?? {},
    secrets: new SecretValues(options.secrets ?? []),
    budget: createRateBudget(options.rateLimit),
    retry: resolveRetryPolicy(options.retry),
    timeoutMs: parseDuration(plain.timeout ?? CLIENT_DEFAULTS.timeout),
    origin: plain.origin === undefined ? undefined : new URL(plain.origin).origin,
    crossOrigin: plain.crossOrigin ?? CLIENT_DEFAULTS.crossOrigin,
    maxRedirects: plain.maxRedirects ?? CLIENT_DEFAULTS.maxRedirects,
    maxResponseSize: plain.maxResponseSize ?? CLIENT_DEFAULTS.maxResponseSize,
    numbers: plain.numbers ?? CLIENT_DEFAULTS.numbers,
    rateLimitedWhen: plain.rateLimitedWhen && { path: jsonPath(plain.rateLimitedWhen.path), equals: plain.rateLimitedWhen.equals },
    dispatcher: options.dispatcher,
    onEvent: options.onEvent,
  };
}
