import { fetchRecords, HttpClient, paginate, parseJson, type WalkEvent } from 'siphon-sync';
import { type DemoApiServer, demoDataset, startDemoApi } from 'siphon-sync/demo-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect } from './helpers/async.js';

// Every style of the demo API, 5,000 records each: the walk must yield exactly
// the server's records, once each, in order.
const size = { coins: 5000, users: 40, posts: 1000, comments: 5000, drfItems: 5000, cursorEvents: 5000 };
const seed = 7;
const dataset = demoDataset({ seed, size });

let api: DemoApiServer;
beforeAll(async () => {
  api = await startDemoApi({ seed, size });
});
afterAll(async () => {
  await api.close();
});

function expectNoRefetch(): void {
  const stats = api.stats();
  expect(stats.refetched).toBe(0);
  expect(stats.rejected).toBe(0);
}

describe('5,000-record walks of the demo API', () => {
  it('CoinGecko markets: page numbers, 4 in flight, exact big numbers', async () => {
    api.resetStats();
    const records = await collect(
      fetchRecords({
        url: `${api.url}/api/v3/coins/markets`,
        params: { vs_currency: 'usd', order: 'market_cap_desc', per_page: 250, sparkline: false },
        paginator: { type: 'pageNumber', pageParam: 'page', start: 1 },
        rateLimitedWhen: { path: 'status.error_code', equals: 429 },
        concurrency: 4,
      }),
    );
    expect(records).toHaveLength(5000);
    expect(records).toEqual(dataset.coins.map((coin) => parseJson(coin.json)));
    const bigOnes = records.filter((coin) => typeof (coin as { market_cap: unknown }).market_cap === 'bigint');
    expect(bigOnes.length).toBeGreaterThan(0);
    expectNoRefetch();
  });

  it('JSONPlaceholder comments: _start/_limit offsets, 4 in flight', async () => {
    api.resetStats();
    const records = await collect(
      fetchRecords({
        url: `${api.url}/comments`,
        params: { _limit: 100 },
        paginator: { type: 'offset', offsetParam: '_start', limitParam: '_limit' },
        concurrency: 4,
      }),
    );
    expect(records).toEqual(dataset.comments);
    expectNoRefetch();
    // X-Total-Count tells the walk where to stop: 50 pages, not one more.
    expect(api.stats().requests).toBe(50);
  });

  it('JSONPlaceholder comments: _page/_limit followed through Link headers, detected by auto', async () => {
    api.resetStats();
    const events: WalkEvent[] = [];
    const records = await collect(fetchRecords({ url: `${api.url}/comments?_page=1&_limit=100`, onEvent: (e) => events.push(e) }));
    expect(records).toEqual(dataset.comments);
    expect(events).toContainEqual({ type: 'detected', description: expect.stringContaining('linkHeader') });
    expectNoRefetch();
  });

  it('DRF items: next URLs with Token auth', async () => {
    api.resetStats();
    const records = await collect(
      fetchRecords({
        url: `${api.url}/drf/items`,
        params: { page_size: 100 },
        paginator: { type: 'nextUrl', nextPath: 'next' },
        records: 'results',
        auth: { type: 'token', token: 'demo-token' },
      }),
    );
    expect(records).toEqual(dataset.drfItems);
    expectNoRefetch();
  });

  it('cursor events: data / has_more / next_cursor', async () => {
    api.resetStats();
    const pages = await collect(
      paginate({
        url: `${api.url}/cursor/events`,
        params: { limit: 200 },
        paginator: { type: 'cursor', cursorPath: 'next_cursor', cursorParam: 'cursor', hasMorePath: 'has_more' },
      }),
    );
    expect(pages.flatMap((p) => p.records)).toEqual(dataset.cursorEvents);
    expect(pages).toHaveLength(25);
    expect(pages.at(-1)?.token).toBeNull();
    expectNoRefetch();
  });

  it('resumes a cursor walk from a page token with nothing lost or repeated', async () => {
    const options = { url: `${api.url}/cursor/events`, params: { limit: 500 }, paginator: 'cursor' as const };
    const firstPages = await collect(paginate({ ...options, maxPages: 4 }));
    const rest = await collect(fetchRecords({ ...options, resume: firstPages.at(-1)?.token ?? undefined }));
    expect([...firstPages.flatMap((p) => p.records), ...rest]).toEqual(dataset.cursorEvents);
  });
});

describe('a hostile demo API', () => {
  it('faults of every kind are retried and the records still come out exact', async () => {
    const faulty = await startDemoApi({
      seed: 3,
      size: { comments: 2000 },
      faults: { serverError: 0.05, tooManyRequests: 0.05, reset: 0.05, truncate: 0.05, stall: 0.02, stallMs: 5000 },
    });
    try {
      const retries: WalkEvent[] = [];
      const records = await collect(
        fetchRecords({
          url: `${faulty.url}/comments`,
          params: { _limit: 50 },
          paginator: { type: 'offset', offsetParam: '_start', limitParam: '_limit' },
          concurrency: 4,
          timeout: '500ms',
          retry: { retries: 8, base: '10ms', max: '2s' },
          onEvent: (e) => retries.push(e),
        }),
      );
      expect(records).toEqual(demoDataset({ seed: 3, size: { comments: 2000 } }).comments);
      const faults = faulty.stats().faults;
      expect(faults.serverError + faults.reset + faults.truncate + faults.tooManyRequests).toBeGreaterThan(0);
      expect(retries.filter((e) => e.type === 'retry').length).toBeGreaterThan(0);
    } finally {
      await faulty.close();
    }
  });

  it('a shared budget keeps concurrent walks under the server limit (counted by the server)', async () => {
    const limited = await startDemoApi({ seed: 1, size: { comments: 600 }, rateLimit: { requests: 10, perMs: 1000, window: 'sliding' } });
    try {
      const client = new HttpClient({ rateLimit: { requests: 10, per: '1s' } });
      const walk = (start: number) =>
        collect(
          fetchRecords({
            url: `${limited.url}/comments`,
            params: { _limit: 20 },
            paginator: { type: 'offset', offsetParam: '_start', limitParam: '_limit', start },
            concurrency: 4,
            client,
          }),
        );
      const [a, b] = await Promise.all([walk(0), walk(300)]);
      await client.close();
      expect(a).toHaveLength(600);
      expect(b).toHaveLength(300);
      const stats = limited.stats();
      expect(stats.rejected).toBe(0);
      expect(limited.maxInWindow(1000)).toBeLessThanOrEqual(10);
      expect(stats.requests).toBeGreaterThanOrEqual(45);
    } finally {
      await limited.close();
    }
  });

  it('without a declared budget, learns from X-RateLimit headers and the 429s pause the source', async () => {
    const limited = await startDemoApi({
      seed: 1,
      size: { coins: 300 },
      rateLimit: { requests: 8, perMs: 1000, window: 'fixed', headers: 'x-ratelimit' },
    });
    try {
      const records = await collect(
        fetchRecords({
          url: `${limited.url}/api/v3/coins/markets`,
          params: { vs_currency: 'usd', per_page: 25 },
          paginator: 'pageNumber',
          concurrency: 3,
          retry: { retries: 10, base: '50ms', max: '5s' },
        }),
      );
      expect(records).toHaveLength(300);
      // The budget learns the remaining count; at most a handful of 429s from requests already in flight.
      expect(limited.stats().rejected).toBeLessThanOrEqual(6);
    } finally {
      await limited.close();
    }
  });
});
