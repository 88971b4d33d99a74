import type { Duration } from '../util/duration.js';

/** A query parameter value; arrays repeat the parameter, `null`/`undefined` omit it. */
export type QueryValue = string | number | boolean | bigint | null | undefined | readonly (string | number | boolean)[];

export type QueryParams = Readonly<Record<string, QueryValue>>;

/** A request on its way out; auth transforms mutate `url` and `headers` in place. */
export interface OutgoingRequest {
  method: string;
  url: URL;
  headers: Headers;
  body?: string | undefined;
}

/** What a paginator, a rate budget or a caller sees of a response. */
export interface ResponseInfo {
  readonly status: number;
  readonly statusText: string;
  /** Final URL of the response (after redirects), unredacted: relative links resolve against it. */
  readonly url: string;
  readonly headers: Headers;
}

/** A parsed JSON response with the cost of getting it. */
export interface JsonResponse extends ResponseInfo {
  readonly body: unknown;
  /** The body as received (decoded as UTF-8), which `body` was parsed from. */
  readonly text: string;
  /** Attempts it took (1 = no retry). */
  readonly attempts: number;
  /** Milliseconds spent waiting on the rate budget and retry backoff for this response. */
  readonly waitedMs: number;
  /** What the response's rate-limit headers said, as the client read them for its budget. */
  readonly rateLimit: ServerRateInfo;
  /** Set when a `responseActions` rule said to ignore the response (its body is then `null`): the rule in words. */
  readonly ignored?: string | undefined;
}

export interface AuthContext {
  readonly signal: AbortSignal;
  /** Sends a request without auth or retries: used by auth kinds that fetch tokens. */
  readonly fetch: typeof fetch;
}

/**
 * Credentials as a request transform (dlt's `AuthConfigBase`, ky's hooks):
 * the client calls `apply` only for requests to the source's own origin.
 */
export interface Auth {
  /** The config name of the kind: `bearer`, `token`, `apiKey`, `basic`, `oauth2ClientCredentials`. */
  readonly kind: string;
  /** Adds credentials to `request`. */
  apply(request: OutgoingRequest, context: AuthContext): void | Promise<void>;
  /**
   * Called when the server answers 401. Resolve `true` when fresh credentials
   * were obtained and the request deserves one more try.
   */
  onUnauthorized?(context: AuthContext): boolean | Promise<boolean>;
  /** Header and query parameter names that carry secrets, redacted from messages. */
  readonly secretNames: readonly string[];
  /**
   * The secret values it sends (a Basic pair as `user:pass`), masked in every
   * message in every encoding, e.g. when a server echoes the credential back.
   */
  readonly secretValues?: readonly string[];
}

/** What a response's headers announced about the source's limits. */
export interface RateLimitObservation {
  /** Requests allowed per window, when announced. */
  readonly limit?: number | undefined;
  /** Requests left in the current window. */
  readonly remaining?: number | undefined;
  /** Epoch milliseconds at which the window resets. */
  readonly resetAt?: number | undefined;
}

/** What a response's headers say about the source's limits, plus how long it asked to be left alone. */
export interface ServerRateInfo extends RateLimitObservation {
  /** Milliseconds `Retry-After` asks to wait (0 when its date has passed). */
  readonly retryAfterMs?: number | undefined;
}

/**
 * The request budget of one source, shared by every concurrent request of that
 * source (and, in distributed mode, by every worker). Implementations: the
 * in-process sliding window and a Redis-backed one.
 */
export interface RateBudget {
  /** Resolves when one more request may be sent; returns the milliseconds waited. */
  acquire(signal?: AbortSignal): Promise<number>;
  /** Learns from the limits a response announced. */
  observe(observation: RateLimitObservation): void | Promise<void>;
  /** Holds every request of the source until `until` (epoch ms), e.g. after a 429. */
  pauseUntil(until: number): void | Promise<void>;
  /**
   * The request of one earlier grant was answered or failed. A budget that
   * implements it counts a request in its window from this moment (the
   * latest the server can have counted it) rather than from the grant, so
   * however long the request waited to leave the process (a busy event loop,
   * an auth round trip) the server never sees more than the limit.
   */
  settle?(): void;
  close?(): Promise<void>;
}

/** A declared budget: at most `requests` in any window of `per`. */
export interface RateLimitOptions {
  requests: number;
  per: Duration;
}

/** Retry policy of the client. */
export interface RetryOptions {
  /**
   * Retries after the first attempt.
   * @default 5
   */
  retries?: number;
  /**
   * First backoff step; attempt n waits a random time in [0, min(max, base·2ⁿ)].
   * @default '1s'
   */
  base?: Duration;
  /**
   * Cap of a single wait, backoff or server-announced.
   * @default '600s'
   */
  max?: Duration;
  /**
   * Statuses that are retried.
   * @default [408, 425, 429, 500, 502, 503, 504]
   */
  statuses?: readonly number[];
}

/** Marks a 2xx body as "rate limited", e.g. CoinGecko's `{ path: 'status.error_code', equals: 429 }`. */
export interface RateLimitedWhen {
  path: string;
  equals: string | number | boolean;
}
