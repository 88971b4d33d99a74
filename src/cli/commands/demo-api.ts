import { Command, InvalidArgumentError, Option } from 'commander';
import type { DemoApiOptions, DemoApiSize } from '../../demo-api/options.js';
import type { DemoApiServer } from '../../demo-api/server.js';
import { parseDuration } from '../../util/duration.js';

/** Where the command prints and what stops it; tests pass their own. */
export interface DemoApiCommandIo {
  write(text: string): void;
  /** Stops the server when aborted; without it, SIGINT or SIGTERM does. */
  stop?: AbortSignal;
  /** Called once the server listens. */
  onListening?(server: DemoApiServer): void;
}

/** Commander's camelCase names of the size flags are the keys of {@link DemoApiSize}. */
interface Flags extends DemoApiSize {
  host: string;
  port: number;
  seed: number;
  rateLimit?: { requests: number; perMs: number };
  rateLimitWindow?: 'fixed' | 'sliding';
  rateLimitHeaders?: 'none' | 'x-ratelimit' | 'ietf';
  rateLimitReset?: 'epoch' | 'delta';
  retryAfter?: 'seconds' | 'date' | 'none';
  latency?: number | [number, number];
  fail5xx?: number;
  fail429?: number;
  failReset?: number;
  failTruncate?: number;
  failStall?: number;
  stallMs?: number;
  coinsLimitStatus?: '429' | '200';
  drfToken?: string;
  apiKey?: { header: string; value: string };
}

const defaultIo: DemoApiCommandIo = { write: (text) => void process.stdout.write(text) };

/** `siphon demo-api`: serves the bundled demo API until interrupted. */
export function demoApiCommand(io: DemoApiCommandIo = defaultIo): Command {
  return new Command('demo-api')
    .description(
      'Serve the deterministic demo API (CoinGecko-, JSONPlaceholder-, DRF- and cursor-style endpoints) for trying Siphon offline',
    )
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--port <n>', 'port to listen on (0 = any free port)', parsePort, 9000)
    .option('--seed <n>', 'seed of the data and of the fault draws', parseSeed, 1)
    .option('--coins <n>', 'coins on /api/v3/coins/markets (default 500)', count('--coins'))
    .option('--users <n>', 'users on /users (default 10)', count('--users'))
    .option('--posts <n>', 'posts on /posts (default 100)', count('--posts'))
    .option('--comments <n>', 'comments on /comments (default 500)', count('--comments'))
    .option('--drf-items <n>', 'items on /drf/items (default 250)', count('--drf-items'))
    .option('--cursor-events <n>', 'events on /cursor/events (default 250)', count('--cursor-events'))
    .option('--rate-limit <spec>', 'requests per duration for all clients together, e.g. 30/60s or 5/500ms', parseRateLimit)
    .addOption(new Option('--rate-limit-window <kind>', 'rate limit window (default sliding)').choices(['fixed', 'sliding']))
    .addOption(
      new Option('--rate-limit-headers <style>', 'limit headers sent (default x-ratelimit)').choices(['none', 'x-ratelimit', 'ietf']),
    )
    .addOption(
      new Option('--rate-limit-reset <style>', 'X-RateLimit-Reset as epoch seconds or seconds from now (default epoch)').choices([
        'epoch',
        'delta',
      ]),
    )
    .addOption(new Option('--retry-after <style>', 'Retry-After on 429s (default seconds)').choices(['seconds', 'date', 'none']))
    .option('--latency <ms>', 'delay before each answer: milliseconds or a min-max range, e.g. 50 or 20-200', parseLatency)
    .option('--fail-5xx <p>', 'probability of a 500/503 answer', probability('--fail-5xx'))
    .option('--fail-429 <p>', 'probability of a 429 with Retry-After: 1', probability('--fail-429'))
    .option('--fail-reset <p>', 'probability of a connection reset without an answer', probability('--fail-reset'))
    .option('--fail-truncate <p>', 'probability of a body cut off halfway', probability('--fail-truncate'))
    .option('--fail-stall <p>', 'probability of a request held unanswered for --stall-ms', probability('--fail-stall'))
    .option('--stall-ms <ms>', 'how long a stalled request is held (default 60000)', durationMs('--stall-ms'))
    .addOption(
      new Option('--coins-limit-status <status>', 'status of the CoinGecko limit body: 200 = body-signaled (default 429)').choices([
        '429',
        '200',
      ]),
    )
    .option('--drf-token <token>', 'token /drf/items expects in "Authorization: Token …" (default demo-token)', parseToken)
    .option('--api-key <header:value>', 'require this header on every route but /__stats, e.g. x-api-key:secret', parseApiKey)
    .action(async (flags: Flags) => {
      const { startDemoApi } = await import('../../demo-api/server.js');
      const server = await startDemoApi(toOptions(flags));
      io.write(banner(server.url, flags));
      io.onListening?.(server);
      await stopRequested(io.stop);
      await server.close();
      io.write('Demo API stopped\n');
    });
}

function toOptions(flags: Flags): DemoApiOptions {
  const faults = {
    serverError: flags.fail5xx,
    tooManyRequests: flags.fail429,
    reset: flags.failReset,
    truncate: flags.failTruncate,
    stall: flags.failStall,
    stallMs: flags.stallMs,
  };
  return {
    host: flags.host,
    port: flags.port,
    seed: flags.seed,
    size: {
      coins: flags.coins,
      users: flags.users,
      posts: flags.posts,
      comments: flags.comments,
      drfItems: flags.drfItems,
      cursorEvents: flags.cursorEvents,
    },
    rateLimit: flags.rateLimit && {
      ...flags.rateLimit,
      window: flags.rateLimitWindow,
      headers: flags.rateLimitHeaders,
      resetStyle: flags.rateLimitReset,
      retryAfter: flags.retryAfter,
    },
    latencyMs: flags.latency,
    faults,
    coinsLimitStatus: flags.coinsLimitStatus === '200' ? 200 : 429,
    drfToken: flags.drfToken,
    apiKey: flags.apiKey,
  };
}

function banner(url: string, flags: Flags): string {
  const token = flags.drfToken ?? 'demo-token';
  const lines = [
    `Demo API listening on ${url}`,
    '',
    '  GET /api/v3/coins/markets?vs_currency=usd&per_page=100&page=1   CoinGecko markets; a page past the end is []',
    '  GET /users  /posts  /comments  /posts/:id/comments              json-server: _page/_limit (Link), _start/_limit',
    `  GET /drf/items?page=1&page_size=50                             DRF pages; needs "Authorization: Token ${token}"`,
    '  GET /cursor/events?limit=100&cursor=…                          cursor pages; cursor also via X-Cursor',
    '  POST /search/events  (JSON or form: types, limit, cursor)      the same events searched; query and cursor in the body',
    "  GET /accounts  /accounts/:id/posts                             a closed account's posts answer 404",
    '  GET /__stats?window=ms   POST /__stats/reset                   traffic counters',
  ];
  if (flags.rateLimit)
    lines.push(
      '',
      `  rate limit: ${flags.rateLimit.requests} requests per ${flags.rateLimit.perMs} ms (${flags.rateLimitWindow ?? 'sliding'} window)`,
    );
  lines.push('', 'Press Ctrl+C to stop.', '');
  return lines.join('\n');
}

function stopRequested(signal: AbortSignal | undefined): Promise<void> {
  if (signal) {
    return signal.aborted ? Promise.resolve() : new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  }
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** Commander prefixes the option and the bad value: "option '--port <n>' argument 'x' is invalid." */
function invalid(_option: string, _value: string, expected: string): never {
  throw new InvalidArgumentError(`Expected ${expected}.`);
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) invalid('--port', value, 'an integer from 0 to 65535');
  return port;
}

function parseSeed(value: string): number {
  const seed = Number(value);
  if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(seed)) invalid('--seed', value, 'an integer');
  return seed;
}

function count(option: string): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value) || Number(value) > 1_000_000) invalid(option, value, 'an integer from 0 to 1000000');
    return Number(value);
  };
}

function probability(option: string): (value: string) => number {
  return (value) => {
    const p = Number(value);
    if (value.trim() === '' || !Number.isFinite(p) || p < 0 || p > 1) invalid(option, value, 'a probability from 0 to 1, e.g. 0.05');
    return p;
  };
}

/** A bare number is milliseconds; otherwise the config vocabulary: `500ms`, `60s`, `1m`. */
function toMs(value: string): number | undefined {
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  try {
    return parseDuration(text);
  } catch {
    return undefined;
  }
}

function durationMs(option: string): (value: string) => number {
  return (value) => toMs(value) ?? invalid(option, value, 'milliseconds or a duration such as 500ms or 60s');
}

function parseRateLimit(value: string): { requests: number; perMs: number } {
  const match = /^\s*(\d+)\s*\/\s*(\S+)\s*$/.exec(value);
  const expected = 'requests/duration such as 30/60s, 5/500ms or 100/1m';
  if (!match) invalid('--rate-limit', value, expected);
  const requests = Number(match[1]);
  const per = match[2] as string;
  // "10/s" reads as ten per second.
  const perMs = toMs(/^[a-z]+$/.test(per) ? `1${per}` : per);
  if (requests < 1 || perMs === undefined || perMs <= 0) invalid('--rate-limit', value, expected);
  return { requests, perMs };
}

function parseLatency(value: string): number | [number, number] {
  const parts = value.split('-').map(toMs);
  const [min, max] = parts;
  const expected = 'milliseconds or a min-max range such as 50 or 20-200';
  if (parts.length === 1 && min !== undefined) return min;
  if (parts.length !== 2 || min === undefined || max === undefined || max < min) invalid('--latency', value, expected);
  return [min, max];
}

function parseToken(value: string): string {
  if (!/^\S+$/.test(value)) invalid('--drf-token', value, 'a token without spaces');
  return value;
}

function parseApiKey(value: string): { header: string; value: string } {
  const match = /^([A-Za-z0-9-]+)\s*[:=]\s*(\S+)$/.exec(value);
  if (!match) invalid('--api-key', value, 'header:value such as x-api-key:secret');
  return { header: match[1] as string, value: match[2] as string };
}
