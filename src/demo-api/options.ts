import { ConfigError } from '../errors/config-error.js';

/** How many records of each dataset the demo API holds. */
export interface DemoApiSize {
  /** @default 500 */
  coins?: number;
  /** @default 10 */
  users?: number;
  /** @default 100 */
  posts?: number;
  /** @default 500 */
  comments?: number;
  /** @default 250 */
  drfItems?: number;
  /** @default 250 */
  cursorEvents?: number;
}

/** A server-side limit shared by every client, applied to all routes but `/__stats`. */
export interface DemoRateLimit {
  requests: number;
  perMs: number;
  /** @default 'sliding' */
  window?: 'fixed' | 'sliding';
  /** @default 'x-ratelimit' */
  headers?: 'none' | 'x-ratelimit' | 'ietf';
  /** `X-RateLimit-Reset` as epoch seconds or as seconds from now. @default 'epoch' */
  resetStyle?: 'epoch' | 'delta';
  /** @default 'seconds' */
  retryAfter?: 'seconds' | 'date' | 'none';
}

/** Per-request probabilities (0..1), drawn from the seeded PRNG; precedence reset > stall > serverError > tooManyRequests > truncate. */
export interface DemoFaults {
  serverError?: number;
  tooManyRequests?: number;
  reset?: number;
  truncate?: number;
  stall?: number;
  /** @default 60000 */
  stallMs?: number;
}

export interface DemoApiOptions {
  /** @default '127.0.0.1' */
  host?: string;
  /** @default 0 (an ephemeral port) */
  port?: number;
  /** @default 1 */
  seed?: number;
  size?: DemoApiSize;
  rateLimit?: DemoRateLimit;
  /** Fixed delay before every answer, or a uniform range `[min, max]`. */
  latencyMs?: number | [min: number, max: number];
  faults?: DemoFaults;
  /** Status sent with CoinGecko's limit body on `/api/v3/*`: 200 makes it a body-signaled limit. @default 429 */
  coinsLimitStatus?: 429 | 200;
  /** @default 'demo-token' */
  drfToken?: string;
  /** When set, every route but `/__stats` requires this header (401 otherwise). */
  apiKey?: { header: string; value: string };
}

export type ResolvedSize = Required<DemoApiSize>;

export interface ResolvedOptions {
  readonly host: string;
  readonly port: number;
  readonly seed: number;
  readonly size: ResolvedSize;
  readonly rateLimit: Required<DemoRateLimit> | undefined;
  readonly latency: readonly [number, number];
  readonly faults: Required<DemoFaults>;
  readonly coinsLimitStatus: 429 | 200;
  readonly drfToken: string;
  readonly apiKey: { readonly header: string; readonly value: string } | undefined;
}

const DEFAULT_SIZE: ResolvedSize = { coins: 500, users: 10, posts: 100, comments: 500, drfItems: 250, cursorEvents: 250 };

/** Fills defaults and rejects nonsense early, naming the option at fault. */
export function resolveOptions(options: DemoApiOptions = {}): ResolvedOptions {
  const seed = options.seed ?? 1;
  if (!Number.isSafeInteger(seed)) fail('seed', seed, 'a safe integer');
  const coinsLimitStatus = options.coinsLimitStatus ?? 429;
  if (coinsLimitStatus !== 429 && coinsLimitStatus !== 200) fail('coinsLimitStatus', coinsLimitStatus, '429 or 200');
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) fail('port', port, 'an integer from 0 to 65535');
  return {
    host: options.host ?? '127.0.0.1',
    port,
    seed,
    size: resolveSize(options.size),
    rateLimit: resolveRateLimit(options.rateLimit),
    latency: resolveLatency(options.latencyMs),
    faults: resolveFaults(options.faults),
    coinsLimitStatus,
    drfToken: options.drfToken ?? 'demo-token',
    apiKey: options.apiKey ? { header: options.apiKey.header.toLowerCase(), value: options.apiKey.value } : undefined,
  };
}

export function resolveSize(size: DemoApiSize = {}): ResolvedSize {
  const resolved = { ...DEFAULT_SIZE };
  for (const key of Object.keys(DEFAULT_SIZE) as (keyof ResolvedSize)[]) {
    const value = size[key] ?? DEFAULT_SIZE[key];
    if (!Number.isInteger(value) || value < 0 || value > 1_000_000) fail(`size.${key}`, value, 'an integer from 0 to 1000000');
    resolved[key] = value;
  }
  if (resolved.posts > 0 && resolved.users === 0) fail('size.users', 0, 'at least 1 when there are posts');
  if (resolved.comments > 0 && resolved.posts === 0) fail('size.posts', 0, 'at least 1 when there are comments');
  return resolved;
}

function resolveRateLimit(limit: DemoRateLimit | undefined): Required<DemoRateLimit> | undefined {
  if (!limit) return undefined;
  if (!Number.isInteger(limit.requests) || limit.requests < 1) fail('rateLimit.requests', limit.requests, 'a positive integer');
  if (!Number.isFinite(limit.perMs) || limit.perMs <= 0) fail('rateLimit.perMs', limit.perMs, 'a positive number of milliseconds');
  return {
    requests: limit.requests,
    perMs: limit.perMs,
    window: oneOf('rateLimit.window', limit.window ?? 'sliding', ['fixed', 'sliding'] as const),
    headers: oneOf('rateLimit.headers', limit.headers ?? 'x-ratelimit', ['none', 'x-ratelimit', 'ietf'] as const),
    resetStyle: oneOf('rateLimit.resetStyle', limit.resetStyle ?? 'epoch', ['epoch', 'delta'] as const),
    retryAfter: oneOf('rateLimit.retryAfter', limit.retryAfter ?? 'seconds', ['seconds', 'date', 'none'] as const),
  };
}

function resolveLatency(latency: DemoApiOptions['latencyMs']): readonly [number, number] {
  const [min, max] = typeof latency === 'number' ? [latency, latency] : (latency ?? [0, 0]);
  if (!Number.isFinite(min) || !Number.isFinite(max) || min < 0 || max < min) {
    fail('latencyMs', latency, 'a non-negative number or a [min, max] range');
  }
  return [min, max];
}

function resolveFaults(faults: DemoFaults = {}): Required<DemoFaults> {
  const probability = (key: Exclude<keyof DemoFaults, 'stallMs'>): number => {
    const value = faults[key] ?? 0;
    if (!Number.isFinite(value) || value < 0 || value > 1) fail(`faults.${key}`, value, 'a probability from 0 to 1');
    return value;
  };
  const stallMs = faults.stallMs ?? 60_000;
  if (!Number.isFinite(stallMs) || stallMs < 0) fail('faults.stallMs', stallMs, 'a non-negative number of milliseconds');
  return {
    serverError: probability('serverError'),
    tooManyRequests: probability('tooManyRequests'),
    reset: probability('reset'),
    truncate: probability('truncate'),
    stall: probability('stall'),
    stallMs,
  };
}

function oneOf<const T extends string>(path: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) fail(path, value, allowed.map((item) => `'${item}'`).join(' or '));
  return value as T;
}

function fail(path: string, value: unknown, expected: string): never {
  throw new ConfigError(`demoApi.${path}`, `expected ${expected}, got ${JSON.stringify(value) ?? String(value)}`);
}
