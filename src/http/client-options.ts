import type { Dispatcher } from 'undici';
import type { Duration } from '../util/duration.js';
import type { NumberMode } from '../util/exact-json.js';
import type { AuthConfig } from './auth/index.js';
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
  | { readonly type: 'throttle'; readonly waitMs: number; readonly url: string };

/** Options of {@link HttpClient}; every default lives here. */
export interface HttpClientOptions {
  /** Credentials, sent only to {@link HttpClientOptions.origin}. */
  auth?: AuthConfig | Auth | undefined;
  /** Headers sent with every request (credential-like ones stay on the origin). */
  headers?: Readonly<Record<string, string>> | undefined;
  /** A declared budget (`{ requests: 30, per: '60s' }`) or a budget shared with other clients. */
  rateLimit?: RateLimitOptions | RateBudget | undefined;
  /**
   * Retry policy, or `false` for none.
   * @default { retries: 5, base: '1s', max: '600s' }
   */
  retry?: RetryOptions | false | undefined;
  /** Marks a successful body as "rate limited", e.g. CoinGecko's `status.error_code = 429`. */
  rateLimitedWhen?: RateLimitedWhen | undefined;
  /**
   * Time allowed for one attempt, body included.
   * @default '30s'
   */
  timeout?: Duration | undefined;
  /** The origin (`https://api.example.com`) credentials belong to; defaults to the origin of the first request. */
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
   * How JSON numbers are parsed, see {@link NumberMode}.
   * @default 'exact'
   */
  numbers?: NumberMode | undefined;
  /** An undici dispatcher (proxy, custom pool); defaults to a keep-alive agent owned by the client. */
  dispatcher?: Dispatcher | undefined;
  onEvent?: ((event: ClientEvent) => void) | undefined;
}
