import { parseJson } from 'siphon-sync';
import { type DemoApiOptions, type DemoApiServer, demoDataset, startDemoApi } from 'siphon-sync/demo-api';
import { afterEach, describe, expect, it } from 'vitest';
import { demoApiCommand } from '../src/cli/commands/demo-api.js';
import { COIN_FIELDS, COINGECKO_LIMIT_BODY, encodeCursor, UNSAFE_MARKET_CAP } from '../src/demo-api/index.js';
import { sleep } from './helpers/async.js';

const SMALL = { coins: 120, users: 8, posts: 60, comments: 200, drfItems: 95, cursorEvents: 130 };
const TWO_POW_53 = 2n ** 53n;
const TOKEN = { authorization: 'Token demo-token' };

const servers: DemoApiServer[] = [];

async function start(options: DemoApiOptions = {}): Promise<DemoApiServer> {
  const server = await startDemoApi(options);
  servers.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function getText(server: DemoApiServer, path: string, headers: Record<string, string> = {}): Promise<string> {
  const response = await fetch(`${server.url}${path}`, { headers });
  return response.text();
}

async function getJson<T = unknown>(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: T }> {
  const response = await fetch(url, { headers });
  return { status: response.status, headers: response.headers, body: (await response.json()) as T };
}

/** `rel` → URL from an RFC 8288 Link header. */
function parseLink(header: string | null): Record<string, string> {
  const links: Record<string, string> = {};
  for (const match of (header ?? '').matchAll(/<([^>]+)>;\s*rel="([^"]+)"/g)) links[match[2] as string] = match[1] as string;
  return links;
}

describe('determinism', () => {
  const paths = [
    '/api/v3/coins/markets?vs_currency=usd&per_page=250&page=1',
    '/users',
    '/posts',
    '/comments?_page=3&_limit=20',
    '/drf/items?page=2',
    '/cursor/events?limit=1000',
  ];

  it('serves byte-identical data for a seed and different data for another seed', async () => {
    const [a, b, c] = await Promise.all([
      start({ seed: 42, size: SMALL }),
      start({ seed: 42, size: SMALL }),
      start({ seed: 43, size: SMALL }),
    ]);
    for (const path of paths) {
      // Absolute links differ by port only; the data must not differ at all.
      const [textA, textB, textC] = await Promise.all(
        [a, b, c].map(async (server) => (await getText(server, path, TOKEN)).replaceAll(server.url, 'BASE')),
      );
      expect(textA, path).toBe(textB);
      expect(textA, path).not.toBe(textC);
    }
  });

  it('exports the dataset exactly as the server sends it', async () => {
    const server = await start({ seed: 5, size: SMALL });
    const data = demoDataset({ seed: 5, size: SMALL });
    expect(await getText(server, '/api/v3/coins/markets?vs_currency=usd&per_page=250')).toBe(
      `[${data.coins.map((coin) => coin.json).join(',')}]`,
    );
    expect(await getText(server, '/users')).toBe(JSON.stringify(data.users));
    expect(await getText(server, '/posts')).toBe(JSON.stringify(data.posts));
    expect(await getText(server, '/comments')).toBe(JSON.stringify(data.comments));
    const drf = await getJson<{ results: unknown[] }>(`${server.url}/drf/items?page_size=500`, TOKEN);
    expect(JSON.stringify(drf.body.results)).toBe(JSON.stringify(data.drfItems));
    const events = await getJson<{ data: unknown[] }>(`${server.url}/cursor/events?limit=1000`);
    expect(JSON.stringify(events.body.data)).toBe(JSON.stringify(data.cursorEvents));
  });
});

describe('CoinGecko-like /api/v3/coins/markets', () => {
  it('pages coins with the 26 market fields, ordered by rank, until an empty page', async () => {
    const server = await start({ size: { coins: 120 } });
    const ranks: number[] = [];
    let page = 1;
    for (; ; page += 1) {
      const { status, headers, body } = await getJson<Record<string, unknown>[]>(
        `${server.url}/api/v3/coins/markets?vs_currency=usd&order=market_cap_desc&per_page=50&page=${page}&sparkline=false`,
      );
      expect(status).toBe(200);
      expect(headers.get('content-type')).toBe('application/json; charset=utf-8');
      if (body.length === 0) break;
      for (const coin of body) {
        expect(Object.keys(coin)).toEqual([...COIN_FIELDS]);
        ranks.push(coin.market_cap_rank as number);
      }
    }
    expect(page).toBe(4); // 50 + 50 + 20, then []
    expect(ranks).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));

    const defaults = await getJson<unknown[]>(`${server.url}/api/v3/coins/markets?vs_currency=usd`);
    expect(defaults.body).toHaveLength(100);
    const capped = await getJson<unknown[]>(`${server.url}/api/v3/coins/markets?vs_currency=eur&per_page=1000`);
    expect(capped.body).toHaveLength(120);
    const missing = await fetch(`${server.url}/api/v3/coins/markets`);
    expect(missing.status).toBe(400);
    expect(await missing.json()).toHaveProperty('error');
  });

  it('writes integers above 2^53 and long decimals with their exact digits', async () => {
    const server = await start();
    let text = '';
    for (let page = 1; page <= 2; page += 1)
      text += await getText(server, `/api/v3/coins/markets?vs_currency=usd&per_page=250&page=${page}`);

    expect(text).toContain('"market_cap":9007199254740993,');
    const big = [
      ...text.matchAll(/"(market_cap|fully_diluted_valuation|total_volume|circulating_supply|total_supply|max_supply)":(\d+)[,}]/g),
    ]
      .map((match) => match[2] as string)
      .filter((digits) => BigInt(digits) > TWO_POW_53);
    expect(big.length).toBeGreaterThanOrEqual(3);
    // A double would change these digits: they only survive because they never were one.
    expect(big.some((digits) => BigInt(Number(digits)) !== BigInt(digits))).toBe(true);
    expect(big.some((digits) => digits.length >= 19)).toBe(true); // 1e18+, yet below int64's 9.22e18

    const longDecimals = [...text.matchAll(/"(current_price|ath|atl|high_24h)":(-?\d+\.\d+)/g)]
      .map((match) => match[2] as string)
      .filter((digits) => digits.replace(/^-?[0.]*/, '').replace('.', '').length >= 17);
    expect(longDecimals.length).toBeGreaterThan(10);
    expect(longDecimals.some((digits) => String(Number(digits)) !== digits)).toBe(true);

    expect(text).toMatch(/"price_change_percentage_24h":-\d/);
    expect(text).toMatch(/"ath_change_percentage":-\d/);
    for (const field of ['max_supply', 'fully_diluted_valuation', 'roi', 'price_change_24h']) expect(text).toContain(`"${field}":null`);
    expect(text).toMatch(/"roi":\{"times":-?[\d.]+,"currency":"(usd|btc|eth)","percentage":-?[\d.]+\}/);
    expect(text).toMatch(/"last_updated":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"/);
  });
});

describe('coin magnitudes fit the reference SQL model (Django FullCoin)', () => {
  const INT64_MAX = 2n ** 63n - 1n;
  const BIGINT_FIELDS = ['market_cap', 'fully_diluted_valuation', 'total_volume', 'market_cap_change_24h'];
  /** decimal(20,2), decimal(10,5) and decimal(20,5): at most 18, 5 and 15 digits before the point. */
  const DECIMAL_FIELDS: Record<string, number> = {
    current_price: 18,
    high_24h: 18,
    low_24h: 18,
    price_change_24h: 18,
    ath: 18,
    atl: 18,
    circulating_supply: 18,
    total_supply: 18,
    max_supply: 18,
    price_change_percentage_24h: 5,
    market_cap_change_percentage_24h: 5,
    ath_change_percentage: 5,
    atl_change_percentage: 15,
  };

  /** An exactly parsed number (number, bigint or LosslessNumber) as plain decimal text: `String()` but never an exponent. */
  function plainText(value: unknown): string {
    const text = String(value);
    const match = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
    if (!match) return text;
    const [, sign, lead, rest = '', exponent] = match;
    const digits = `${lead}${rest}`;
    const point = Number(exponent) + 1; // digits before the point
    if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
    return digits.length <= point ? `${sign}${digits.padEnd(point, '0')}` : `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
  }

  /** `[digits before the point, digits after it]`, sign dropped. */
  function digitsOf(value: unknown): [string, string] {
    const match = /^-?(\d+)(?:\.(\d+))?$/.exec(plainText(value));
    if (!match) throw new Error(`not a plain JSON number: ${String(value)}`);
    return [match[1] as string, match[2] ?? ''];
  }

  it('keeps int64, decimal(20,2), decimal(10,5) and decimal(20,5) fields in range, with extra digits to round', () => {
    for (const seed of [1, 2, 987_654_321]) {
      const coins = demoDataset({ seed, size: { coins: 5000 } }).coins.map((coin) => parseJson(coin.json) as Record<string, unknown>);
      const violations: string[] = [];
      const maxFraction: Record<string, number> = {};
      const nulls = new Set<string>();
      const giantsPerBlock = new Array<number>(coins.length / 500).fill(0);
      let fractionalCapChanges = 0;
      let biggest = 0n;
      let memeSupplies = 0;
      coins.forEach((coin, index) => {
        const where = `seed ${seed}, rank ${index + 1}`;
        const block = Math.floor(index / 500);
        if (coin.market_cap_rank !== index + 1) violations.push(`${where}: market_cap_rank ${String(coin.market_cap_rank)}`);
        for (const field of Object.keys(coin)) if (coin[field] === null) nulls.add(field);
        for (const field of BIGINT_FIELDS) {
          if (coin[field] === null) continue;
          const [whole, fraction] = digitsOf(coin[field]);
          if (fraction && field !== 'market_cap_change_24h') violations.push(`${where}: ${field} ${String(coin[field])} is not an integer`);
          if (fraction) fractionalCapChanges += 1;
          const magnitude = BigInt(whole);
          if (magnitude >= INT64_MAX) violations.push(`${where}: ${field} ${String(coin[field])} overflows int64`);
          if (magnitude > TWO_POW_53) giantsPerBlock[block] = (giantsPerBlock[block] ?? 0) + 1;
          if (magnitude > biggest) biggest = magnitude;
        }
        for (const [field, maxDigits] of Object.entries(DECIMAL_FIELDS)) {
          if (coin[field] === null) continue;
          const [whole, fraction] = digitsOf(coin[field]);
          if (whole.length > maxDigits) violations.push(`${where}: ${field} ${String(coin[field])} has over ${maxDigits} integer digits`);
          maxFraction[field] = Math.max(maxFraction[field] ?? 0, fraction.length);
          if (field === 'circulating_supply' && BigInt(whole) > TWO_POW_53) memeSupplies += 1;
        }
      });
      expect(violations).toEqual([]);

      const caps = coins.map((coin) => BigInt(digitsOf(coin.market_cap)[0]));
      expect(caps[1]).toBe(UNSAFE_MARKET_CAP);
      const top = caps[0] as bigint;
      expect(top >= 10n ** 12n && top <= 2n * 10n ** 12n, `seed ${seed}: top market cap ${top}`).toBe(true);
      // Realistic and strictly decreasing by rank, except the deliberately unsafe coin #2.
      const rest = [top, ...caps.slice(2)];
      expect(
        rest.every((cap, i) => cap > 0n && (i === 0 || cap < (rest[i - 1] as bigint))),
        `seed ${seed}`,
      ).toBe(true);

      expect(Math.min(...giantsPerBlock), `seed ${seed}: int64 values above 2^53 per 500 coins`).toBeGreaterThanOrEqual(3);
      expect(biggest > 10n ** 17n, `seed ${seed}: biggest ${biggest}`).toBe(true);
      expect(fractionalCapChanges, `seed ${seed}`).toBeGreaterThan(coins.length * 0.05);
      expect(fractionalCapChanges, `seed ${seed}`).toBeLessThan(coins.length * 0.15);
      expect(memeSupplies, `seed ${seed}`).toBeGreaterThan(0);
      // More fractional digits than the columns keep: an importer has to round.
      for (const field of ['current_price', 'price_change_24h', 'ath', 'atl', 'circulating_supply', 'total_supply', 'max_supply']) {
        expect(maxFraction[field], `seed ${seed}: ${field}`).toBeGreaterThanOrEqual(8);
      }
      for (const field of ['max_supply', 'fully_diluted_valuation', 'roi', 'price_change_24h'])
        expect(nulls, `seed ${seed}`).toContain(field);
    }
  });
});

describe('JSONPlaceholder-like routes', () => {
  it('serves users and uneven posts and comments', async () => {
    const server = await start({ seed: 3 });
    const users = (await getJson<Record<string, unknown>[]>(`${server.url}/users`)).body;
    expect(users).toHaveLength(10);
    expect(Object.keys(users[0] as object)).toEqual(['id', 'name', 'username', 'email', 'address', 'phone', 'website', 'company']);
    expect(Object.keys((users[0] as { address: object }).address)).toEqual(['street', 'suite', 'city', 'zipcode', 'geo']);

    const posts = (await getJson<{ userId: number; id: number }[]>(`${server.url}/posts`)).body;
    expect(posts).toHaveLength(100);
    const perUser = users.map((user) => posts.filter((post) => post.userId === user.id).length);
    expect(perUser).toContain(0);
    expect(new Set(perUser).size).toBeGreaterThanOrEqual(3);

    const comments = (await getJson<{ postId: number }[]>(`${server.url}/comments`)).body;
    expect(comments).toHaveLength(500);
    const perPost = posts.map((post) => comments.filter((comment) => comment.postId === post.id).length);
    expect(perPost).toContain(0);
    expect(Math.max(...perPost)).toBeGreaterThan(10);

    const busiest = posts[perPost.indexOf(Math.max(...perPost))] as { id: number };
    const nested = await getText(server, `/posts/${busiest.id}/comments`);
    expect(nested).toBe(await getText(server, `/comments?postId=${busiest.id}`));
    expect(JSON.parse(nested)).toHaveLength(Math.max(...perPost));

    expect((await getJson(`${server.url}/users/2`)).body).toEqual(users[1]);
    const missing = await getJson(`${server.url}/users/999`);
    expect(missing.status).toBe(404);
  });

  it('slices with _start/_limit and _start/_end, counting after filters', async () => {
    const server = await start();
    const sliced = await getJson<{ id: number }[]>(`${server.url}/posts?_start=10&_limit=5`);
    expect(sliced.body.map((post) => post.id)).toEqual([11, 12, 13, 14, 15]);
    expect(sliced.headers.get('x-total-count')).toBe('100');
    expect(sliced.headers.get('access-control-expose-headers')).toBe('X-Total-Count, Link');
    const ended = await getJson<{ id: number }[]>(`${server.url}/posts?_start=95&_end=200`);
    expect(ended.body.map((post) => post.id)).toEqual([96, 97, 98, 99, 100]);
    const full = await getJson<unknown[]>(`${server.url}/posts`);
    expect(full.headers.get('x-total-count')).toBeNull();
    expect(full.body).toHaveLength(100);
  });

  it('pages with _page/_limit and an RFC 8288 Link header that keeps other params', async () => {
    const server = await start();
    const data = demoDataset();
    const counts = new Map<number, number>();
    for (const post of data.posts) counts.set(post.userId, (counts.get(post.userId) ?? 0) + 1);
    const [userId, total] = [...counts].sort((a, b) => b[1] - a[1])[0] as [number, number];
    expect(total).toBeGreaterThan(6);

    const second = await fetch(`${server.url}/posts?userId=${userId}&_page=2&_limit=3`);
    expect(second.headers.get('x-total-count')).toBe(String(total));
    const links = parseLink(second.headers.get('link'));
    expect(Object.keys(links)).toEqual(['first', 'prev', 'next', 'last']);
    expect(links.first).toBe(`${server.url}/posts?userId=${userId}&_page=1&_limit=3`);
    expect(links.prev).toBe(`${server.url}/posts?userId=${userId}&_page=1&_limit=3`);
    expect(links.next).toBe(`${server.url}/posts?userId=${userId}&_page=3&_limit=3`);
    expect(links.last).toBe(`${server.url}/posts?userId=${userId}&_page=${Math.ceil(total / 3)}&_limit=3`);

    const walked: number[] = [];
    let next: string | undefined = `${server.url}/posts?userId=${userId}&_page=1&_limit=3`;
    while (next) {
      const response = await fetch(next);
      walked.push(...((await response.json()) as { id: number }[]).map((post) => post.id));
      next = parseLink(response.headers.get('link')).next;
    }
    expect(walked).toEqual(data.posts.filter((post) => post.userId === userId).map((post) => post.id));
  });

  it('answers unknown routes with a JSON 404', async () => {
    const server = await start();
    const response = await fetch(`${server.url}/nope?x=1`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await response.json()).toEqual({ error: 'not found', path: '/nope' });
  });
});

describe('DRF-like /drf/items', () => {
  it('requires a token', async () => {
    const server = await start({ drfToken: 's3cret' });
    const missing = await getJson(`${server.url}/drf/items`);
    expect(missing).toMatchObject({ status: 401, body: { detail: 'Authentication credentials were not provided.' } });
    const wrong = await getJson(`${server.url}/drf/items`, TOKEN);
    expect(wrong).toMatchObject({ status: 401, body: { detail: 'Invalid token.' } });
    expect((await getJson(`${server.url}/drf/items`, { authorization: 'Token s3cret' })).status).toBe(200);
  });

  it('follows absolute next links that keep other params, with count and previous', async () => {
    const server = await start();
    type Page = { count: number; next: string | null; previous: string | null; results: { id: number; price: string }[] };
    const ids: number[] = [];
    const previous: (string | null)[] = [];
    let next: string | null = `${server.url}/drf/items?page_size=40&ordering=id`;
    while (next) {
      const { status, body }: { status: number; body: Page } = await getJson<Page>(next, TOKEN);
      expect(status).toBe(200);
      expect(body.count).toBe(250);
      ids.push(...body.results.map((item) => item.id));
      previous.push(body.previous);
      if (body.next) expect(body.next.startsWith(`${server.url}/drf/items?`)).toBe(true);
      next = body.next;
    }
    expect(ids).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
    expect(previous[0]).toBeNull();
    expect(previous[1]).toBe(`${server.url}/drf/items?page_size=40&ordering=id`);
    expect(previous[2]).toBe(`${server.url}/drf/items?page_size=40&ordering=id&page=2`);

    const first = await getJson<Page>(`${server.url}/drf/items`, TOKEN);
    expect(first.body.results).toHaveLength(50);
    expect(first.body.next).toBe(`${server.url}/drf/items?page=2`);
    expect(first.body.results[0]?.price).toMatch(/^\d+\.\d\d$/);
    expect(Object.keys(first.body.results[0] as object)).toEqual([
      'id',
      'name',
      'sku',
      'price',
      'quantity',
      'created_at',
      'updated_at',
      'active',
      'tags',
    ]);
    const outOfRange = await getJson(`${server.url}/drf/items?page=6`, TOKEN);
    expect(outOfRange).toMatchObject({ status: 404, body: { detail: 'Invalid page.' } });
  });
});

describe('cursor API /cursor/events', () => {
  type Page = { data: { id: number }[]; has_more: boolean; next_cursor: string | null };

  it('walks with query cursors until has_more is false', async () => {
    const server = await start();
    const ids: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `${server.url}/cursor/events?limit=100${cursor ? `&cursor=${cursor}` : ''}`;
      const { headers, body } = await getJson<Page>(url);
      ids.push(...body.data.map((event) => event.id));
      expect(headers.get('x-next-cursor')).toBe(body.next_cursor);
      expect(body.has_more).toBe(body.next_cursor !== null);
      cursor = body.next_cursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(ids).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
  });

  it('accepts the cursor in X-Cursor and rejects bad cursors', async () => {
    const server = await start();
    const viaHeader = await getJson<Page>(`${server.url}/cursor/events?limit=10`, { 'x-cursor': encodeCursor(20) });
    expect(viaHeader.body.data.map((event) => event.id)).toEqual([21, 22, 23, 24, 25, 26, 27, 28, 29, 30]);
    expect(viaHeader.headers.get('x-next-cursor')).toBe(encodeCursor(30));
    const bad = await getJson<{ error: string }>(`${server.url}/cursor/events?cursor=not-a-cursor`);
    expect(bad.status).toBe(400);
    expect((await getJson(`${server.url}/cursor/events?cursor=${encodeCursor(9999)}`)).status).toBe(400);
    expect((await getJson(`${server.url}/cursor/events?limit=0`)).status).toBe(400);
  });
});

describe('rate limiter', () => {
  it('rejects over the limit with Retry-After and X-RateLimit headers', async () => {
    const server = await start({ rateLimit: { requests: 3, perMs: 1000 } });
    const before = Date.now();
    const remaining: (string | null)[] = [];
    for (let i = 0; i < 3; i += 1) {
      const response = await fetch(`${server.url}/users/1`);
      expect(response.status).toBe(200);
      remaining.push(response.headers.get('x-ratelimit-remaining'));
      await response.arrayBuffer();
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const limited = await fetch(`${server.url}/users/1`);
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({ error: 'rate limited' });
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.headers.get('x-ratelimit-limit')).toBe('3');
    const reset = Number(limited.headers.get('x-ratelimit-reset'));
    expect(reset).toBeGreaterThanOrEqual(Math.floor(before / 1000));
    expect(reset).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 1);

    const coins = await fetch(`${server.url}/api/v3/coins/markets?vs_currency=usd`);
    expect(coins.status).toBe(429);
    expect(await coins.text()).toBe(COINGECKO_LIMIT_BODY);
    expect((await fetch(`${server.url}/__stats`)).status).toBe(200); // never limited
    expect(server.stats()).toMatchObject({ requests: 5, served: 3, rejected: 2 });
  });

  it('tells a sliding window from a fixed one', async () => {
    // Two per 700 ms: A at 0, B at 400, C and D at 800. The fixed window
    // restarted at 700 so both pass; the sliding one still holds B.
    const run = async (window: 'fixed' | 'sliding'): Promise<number[]> => {
      const server = await start({ rateLimit: { requests: 2, perMs: 700, window } });
      const status = async (): Promise<number> => (await fetch(`${server.url}/users/1`)).status;
      const t0 = Date.now();
      const statuses = [await status()];
      await sleep(400);
      statuses.push(await status());
      await sleep(800 - (Date.now() - t0));
      statuses.push(await status(), await status());
      return statuses;
    };
    const [fixed, sliding] = await Promise.all([run('fixed'), run('sliding')]);
    expect(fixed).toEqual([200, 200, 200, 200]);
    expect(sliding).toEqual([200, 200, 200, 429]);
  });

  it('announces limits in the IETF, delta and none styles and the date Retry-After', async () => {
    const [ietf, delta, none, dated, silent] = await Promise.all([
      start({ rateLimit: { requests: 2, perMs: 10_000, headers: 'ietf' } }),
      start({ rateLimit: { requests: 2, perMs: 10_000, resetStyle: 'delta' } }),
      start({ rateLimit: { requests: 1, perMs: 10_000, headers: 'none' } }),
      start({ rateLimit: { requests: 1, perMs: 10_000, retryAfter: 'date' } }),
      start({ rateLimit: { requests: 1, perMs: 10_000, retryAfter: 'none' } }),
    ]);
    const first = await fetch(`${ietf.url}/users`);
    expect(first.headers.get('ratelimit-policy')).toBe('"default";q=2;w=10');
    expect(first.headers.get('ratelimit')).toBe('"default";r=1;t=10');
    expect(first.headers.get('x-ratelimit-limit')).toBeNull();

    const deltaReset = Number((await fetch(`${delta.url}/users`)).headers.get('x-ratelimit-reset'));
    expect(deltaReset).toBeGreaterThanOrEqual(9);
    expect(deltaReset).toBeLessThanOrEqual(10);

    await fetch(`${none.url}/users`);
    const noneLimited = await fetch(`${none.url}/users`);
    expect(noneLimited.status).toBe(429);
    expect(noneLimited.headers.get('retry-after')).toBe('10');
    expect([...noneLimited.headers.keys()].filter((name) => name.includes('ratelimit'))).toEqual([]);

    await fetch(`${dated.url}/users`);
    const retryDate = (await fetch(`${dated.url}/users`)).headers.get('retry-after') ?? '';
    expect(retryDate).toMatch(/GMT$/);
    expect(Date.parse(retryDate) - Date.now()).toBeGreaterThan(8000);

    await fetch(`${silent.url}/users`);
    const silentLimited = await fetch(`${silent.url}/users`);
    expect(silentLimited.status).toBe(429);
    expect(silentLimited.headers.get('retry-after')).toBeNull();
  });

  it('can signal the CoinGecko limit in a 200 body', async () => {
    const server = await start({ rateLimit: { requests: 1, perMs: 60_000 }, coinsLimitStatus: 200 });
    await fetch(`${server.url}/api/v3/coins/markets?vs_currency=usd&per_page=1`);
    const limited = await fetch(`${server.url}/api/v3/coins/markets?vs_currency=usd&per_page=1`);
    expect(limited.status).toBe(200);
    expect(limited.headers.get('retry-after')).not.toBeNull();
    expect(await limited.json()).toEqual(JSON.parse(COINGECKO_LIMIT_BODY));
  });
});

describe('faults', () => {
  it('resets the connection', async () => {
    const server = await start({ faults: { reset: 1, serverError: 1 } }); // reset takes precedence
    await expect(fetch(`${server.url}/users`)).rejects.toThrow();
    expect(server.stats().faults).toMatchObject({ reset: 1, serverError: 0 });
  });

  it('truncates the body after sending the full Content-Length', async () => {
    const server = await start({ faults: { truncate: 1 } });
    const response = await fetch(`${server.url}/posts`);
    expect(response.status).toBe(200);
    await expect(response.text().then((text) => JSON.parse(text) as unknown)).rejects.toThrow();
    expect(server.stats().faults.truncate).toBe(1);
    expect(server.stats().served).toBe(0);
  });

  it('stalls until the client gives up', async () => {
    const server = await start({ faults: { stall: 1, stallMs: 5000 } });
    const error = await fetch(`${server.url}/users`, { signal: AbortSignal.timeout(200) }).catch((caught: unknown) => caught);
    expect((error as Error).name).toBe('TimeoutError');
    expect(server.stats().faults.stall).toBe(1);
  });

  it('answers 5xx and 429 faults', async () => {
    const server = await start({ faults: { serverError: 1 } });
    const failed = await fetch(`${server.url}/users`);
    expect([500, 503]).toContain(failed.status);
    expect(await failed.json()).toHaveProperty('error');

    const busy = await start({ faults: { tooManyRequests: 1 } });
    const limited = await fetch(`${busy.url}/api/v3/coins/markets?vs_currency=usd`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(await limited.text()).toBe(COINGECKO_LIMIT_BODY);
    expect(busy.stats()).toMatchObject({ rejected: 0, faults: { tooManyRequests: 1 } });
  });

  it('draws the same faults for the same seed', async () => {
    const sequence = async (): Promise<number[]> => {
      const server = await start({ seed: 7, faults: { serverError: 0.5 } });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i += 1) {
        const response = await fetch(`${server.url}/users/1`);
        statuses.push(response.status);
        await response.arrayBuffer();
      }
      return statuses;
    };
    const [a, b] = await Promise.all([sequence(), sequence()]);
    expect(a).toEqual(b);
    expect(a).toContain(200);
    expect(a.some((status) => status >= 500)).toBe(true);
  });
});

describe('stats, latency, API key and close()', () => {
  it('counts requests, refetches and arrivals, over HTTP too', async () => {
    const server = await start();
    for (const path of ['/posts?_page=1', '/posts?_page=2', '/posts?_page=1', '/nope']) await getText(server, path);
    const stats = server.stats();
    expect(stats).toMatchObject({ requests: 4, served: 4, rejected: 0, refetched: 1, byPath: { '/posts': 3, '/nope': 1 } });
    expect(stats.arrivals).toHaveLength(4);
    expect(server.maxInWindow(60_000)).toBe(4);
    expect(server.maxInWindow(1)).toBeGreaterThanOrEqual(1);

    const overHttp = (await getJson<Record<string, unknown>>(`${server.url}/__stats?window=60000`)).body;
    expect(overHttp).toMatchObject({ requests: 4, refetched: 1, maxInWindow: 4 });
    expect((await fetch(`${server.url}/__stats/reset`, { method: 'POST' })).status).toBe(200);
    expect(server.stats()).toMatchObject({ requests: 0, refetched: 0, arrivals: [] });
    await getText(server, '/posts?_page=1');
    expect(server.stats().refetched).toBe(0); // reset forgets what was served
  });

  it('delays answers by the configured latency', async () => {
    const server = await start({ latencyMs: [120, 150] });
    const started = Date.now();
    await getText(server, '/users/1');
    expect(Date.now() - started).toBeGreaterThanOrEqual(115);
  });

  it('requires the API key everywhere but /__stats', async () => {
    const server = await start({ apiKey: { header: 'X-Api-Key', value: 'k1' } });
    expect((await fetch(`${server.url}/users`)).status).toBe(401);
    expect((await fetch(`${server.url}/users`, { headers: { 'x-api-key': 'k1' } })).status).toBe(200);
    expect((await fetch(`${server.url}/__stats`)).status).toBe(200);
  });

  it('closes promptly with a stalled request pending', async () => {
    const server = await startDemoApi({ faults: { stall: 1 } }); // default stallMs: 60 s
    const pending = fetch(`${server.url}/users`).then(
      () => 'answered',
      () => 'failed',
    );
    while (server.stats().faults.stall === 0) await sleep(5);
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await pending).toBe('failed');
  });
});

describe('siphon demo-api', () => {
  it('serves until stopped', async () => {
    const output: string[] = [];
    const stop = new AbortController();
    let url = '';
    const command = demoApiCommand({
      write: (text) => void output.push(text),
      stop: stop.signal,
      onListening: (server) => {
        url = server.url;
        void fetch(`${server.url}/users`)
          .then((response) => response.json())
          .then((users) => {
            output.push(`users: ${(users as unknown[]).length}`);
            stop.abort();
          });
      },
    });
    await command.parseAsync(['--port', '0', '--seed', '9', '--users', '4', '--posts', '7', '--rate-limit', '50/1s', '--latency', '1-5'], {
      from: 'user',
    });
    expect(output[0]).toContain(`Demo API listening on ${url}`);
    expect(output).toContain('users: 4');
    expect(output.at(-1)).toBe('Demo API stopped\n');
  });

  it('names the option and the bad value', async () => {
    for (const [flag, value] of [
      ['--fail-5xx', '2'],
      ['--rate-limit', '30/xyz'],
      ['--latency', '9-3'],
      ['--port', 'x'],
      ['--rate-limit-headers', 'loud'],
    ] as const) {
      const command = demoApiCommand({ write: () => {} })
        .exitOverride()
        .configureOutput({ writeErr: () => {} });
      await expect(command.parseAsync([flag, value], { from: 'user' })).rejects.toThrow(
        new RegExp(`${flag}.*'${value.replace('/', '\\/')}'`),
      );
    }
  });
});
