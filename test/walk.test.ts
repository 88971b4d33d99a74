import { ConfigError, fetchRecords, HttpClient, type Page, PaginationLoopError, paginate, type WalkEvent } from 'siphon-sync';
import { afterEach, describe, expect, it } from 'vitest';
import { collect, sleep } from './helpers/async.js';
import { sendJson, startServer, type TestServer } from './helpers/test-server.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(...args: Parameters<typeof startServer>): Promise<TestServer> {
  const started = await startServer(...args);
  servers.push(started);
  return started;
}

/** `total` numbered records served by `?page=` with `size` per page, each page after a random delay. */
async function pagedServer(total: number, size: number, jitterMs = 0, options: { totalHeader?: boolean; holdUntil?: number } = {}) {
  let inFlight = 0;
  let maxInFlight = 0;
  let held = true;
  const api = await server(async (_req, res, seen) => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const page = Number(seen.url.searchParams.get('page') ?? '1');
    // The first requests wait (up to 10 s) until `holdUntil` are in at once: whether the walk keeps
    // that many in flight then does not depend on how fast a loaded machine answers the others.
    if (options.holdUntil !== undefined && held) {
      const until = Date.now() + 10_000;
      while (inFlight < options.holdUntil && Date.now() < until) await sleep(5);
      held = false;
    }
    if (jitterMs) await sleep(Math.random() * jitterMs);
    const records = Array.from({ length: Math.max(0, Math.min(size, total - (page - 1) * size)) }, (_, i) => ({
      id: (page - 1) * size + i + 1,
    }));
    inFlight -= 1;
    sendJson(res, 200, records, options.totalHeader ? { 'x-total-count': String(total) } : {});
  });
  return { api, maxInFlight: () => maxInFlight };
}

describe('concurrent walks', () => {
  it('keeps N pages in flight and still delivers them in order', async () => {
    const { api, maxInFlight } = await pagedServer(400, 10, 40, { holdUntil: 4 });
    const pages = await collect(
      paginate<{ id: number }>({ url: `${api.url}/items`, params: { per_page: 10 }, paginator: 'pageNumber', concurrency: 4 }),
    );
    expect(pages.map((p) => p.index)).toEqual(pages.map((_, i) => i));
    expect(pages.flatMap((p) => p.records.map((r) => r.id))).toEqual(Array.from({ length: 400 }, (_, i) => i + 1));
    expect(maxInFlight()).toBe(4);
    expect(maxInFlight()).toBeLessThanOrEqual(4);
  });

  it('sends no request past a known total', async () => {
    const { api } = await pagedServer(95, 10, 0, { totalHeader: true });
    const records = await collect(
      fetchRecords({ url: api.url, params: { per_page: 10 }, paginator: { type: 'pageNumber' }, concurrency: 4 }),
    );
    expect(records).toHaveLength(95);
    const pagesAsked = api.requests.map((r) => Number(r.url.searchParams.get('page')));
    expect(Math.max(...pagesAsked)).toBe(10);
    expect(new Set(pagesAsked).size).toBe(pagesAsked.length);
  });

  it('stays inside a declared budget under concurrency (counted by the server)', async () => {
    const { api } = await pagedServer(300, 10);
    const started = Date.now();
    const records = await collect(
      fetchRecords({
        url: api.url,
        params: { per_page: 10 },
        paginator: 'pageNumber',
        concurrency: 8,
        rateLimit: { requests: 5, per: '250ms' },
      }),
    );
    expect(records).toHaveLength(300);
    const arrivals = api.requests.map((r) => r.at).sort((a, b) => a - b);
    for (let i = 0; i + 5 < arrivals.length; i += 1) {
      // any 6 consecutive arrivals span more than one window
      expect((arrivals[i + 5] ?? 0) - (arrivals[i] ?? 0)).toBeGreaterThanOrEqual(245);
    }
    expect(Date.now() - started).toBeGreaterThanOrEqual(1200);
  });

  it('cancels the requests in flight when the consumer stops early', async () => {
    const { api } = await pagedServer(1000, 10, 30);
    for await (const page of paginate({ url: api.url, params: { per_page: 10 }, paginator: 'pageNumber', concurrency: 3 })) {
      if (page.index === 1) break;
    }
    await sleep(100);
    expect(api.requests.length).toBeLessThanOrEqual(5);
  });
});

describe('loops and limits', () => {
  it('a repeated cursor is an error, not an endless walk', async () => {
    const api = await server((_req, res, seen) => {
      const cursor = seen.url.searchParams.get('cursor');
      sendJson(res, 200, { data: [{ cursor }], next_cursor: cursor === 'b' ? 'a' : cursor === 'a' ? 'b' : 'a' });
    });
    const error = await collect(fetchRecords({ url: api.url, paginator: { type: 'cursor' } })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaginationLoopError);
    expect((error as Error).message).toContain('"cursor":"a"');
    expect(api.requests.length).toBe(3);
  });

  it('a next URL that points back is an error naming the URL without secrets', async () => {
    const api = await server((_req, res) => sendJson(res, 200, { results: [1], next: `/items?page=1&api_key=s3cret` }));
    const error = await collect(fetchRecords({ url: `${api.url}/items?page=1`, paginator: 'nextUrl' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaginationLoopError);
    expect((error as Error).message).toContain('api_key=***');
    expect((error as Error).message).not.toContain('s3cret');
  });

  it('maxPages stops the walk and its last token still points onward', async () => {
    const { api } = await pagedServer(100, 10);
    const pages = await collect(paginate({ url: api.url, params: { per_page: 10 }, paginator: 'pageNumber', maxPages: 3, concurrency: 4 }));
    expect(pages).toHaveLength(3);
    expect(pages.at(-1)?.token).toEqual({ page: 4 });
    expect(api.requests).toHaveLength(3);
  });
});

describe('resuming', () => {
  it('a token from any page resumes the walk right after it', async () => {
    const { api } = await pagedServer(55, 10);
    const all = await collect(paginate<{ id: number }>({ url: api.url, params: { per_page: 10 }, paginator: 'pageNumber' }));
    expect(all.at(-1)?.token).toBeNull();
    for (const page of all.slice(0, -1)) {
      const rest = await collect(
        fetchRecords<{ id: number }>({ url: api.url, params: { per_page: 10 }, paginator: 'pageNumber', resume: page.token ?? undefined }),
      );
      const after = all.filter((p: Page<{ id: number }>) => p.index > page.index).flatMap((p) => p.records);
      expect(rest).toEqual(after);
    }
  });

  it('auto says what it detected', async () => {
    const api = await server((_req, res, seen) => {
      const cursor = seen.url.searchParams.get('cursor');
      sendJson(res, 200, cursor ? { data: [{ id: 2 }], next_cursor: null } : { data: [{ id: 1 }], next_cursor: 'c2' });
    });
    const events: WalkEvent[] = [];
    const records = await collect(fetchRecords({ url: api.url, onEvent: (e) => events.push(e) }));
    expect(records).toEqual([{ id: 1 }, { id: 2 }]);
    const detected = events.find((e) => e.type === 'detected');
    expect(detected && 'description' in detected ? detected.description : '').toMatch(/cursor/);
  });
});

describe('options', () => {
  it('rejects bad options with the path of the problem', async () => {
    await expect(collect(paginate({ url: 'not a url' }))).rejects.toThrow(ConfigError);
    await expect(collect(paginate({ url: 'http://127.0.0.1:1/x', concurrency: 0 }))).rejects.toThrow(/concurrency/);
    await expect(collect(paginate({ url: 'http://127.0.0.1:1/x', paginator: { type: 'bogus' } as never }))).rejects.toThrow(
      /expected one of pageNumber, offset, cursor, nextUrl, linkHeader, relay, single, auto/,
    );
  });

  it('rejects nested params, line breaks in headers and bad client options as ConfigErrors before any request', async () => {
    const api = await server((_req, res) => sendJson(res, 200, []));
    const rejected = async (options: Partial<Parameters<typeof paginate>[0]>): Promise<ConfigError> => {
      const error = await collect(paginate({ url: api.url, ...options })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      return error as ConfigError;
    };
    const nested = await rejected({ params: { filter: { status: 'open' } } as never });
    expect(nested.path).toBe('params.filter');
    expect(nested.message).toMatch(/^params\.filter: .*a string, number, boolean, null or a list of them/);
    expect((await rejected({ headers: { 'x-team': 'a\nb' } })).path).toBe('headers.x-team');
    expect((await rejected({ timeout: 'soon' as never })).path).toBe('timeout');
    expect((await rejected({ numbers: 'float' as never })).path).toBe('numbers');
    expect((await rejected({ records: 'data[' })).message).toMatch(/^records: invalid JSON path "data\["/);
    expect((await rejected({ records: 5 as never })).message).toMatch(/^records: expected "auto" or a JSON path .*, got 5$/);
    const fromFetchRecords = await collect(fetchRecords({ url: api.url, crossOrigin: 'allow' as never })).catch((e: unknown) => e);
    expect(fromFetchRecords).toBeInstanceOf(ConfigError);
    expect(api.requests).toHaveLength(0);
  });

  it("hears its own requests' retries on a shared client", async () => {
    const api = await server((_req, res, _seen, index) => (index === 0 ? sendJson(res, 503, {}) : sendJson(res, 200, [{ id: 1 }])));
    const shared = new HttpClient({ retry: { base: '10ms', max: '50ms' } });
    const events: WalkEvent[] = [];
    try {
      expect(await collect(fetchRecords({ url: api.url, paginator: 'single', client: shared, onEvent: (e) => events.push(e) }))).toEqual([
        { id: 1 },
      ]);
    } finally {
      await shared.close();
    }
    expect(events).toMatchObject([{ type: 'retry', attempt: 1, reason: 'HTTP 503' }]);
  });

  it('aborts waits and requests when the signal fires', async () => {
    const api = await server(() => undefined);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stop now')), 100);
    const started = Date.now();
    await expect(collect(paginate({ url: api.url, signal: controller.signal }))).rejects.toThrow('stop now');
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('maxPages on the paginator', () => {
  it('is honoured like the walk option, the smaller of the two winning', async () => {
    const { api } = await pagedServer(40, 2);
    const records = await collect(fetchRecords({ url: api.url, params: { per_page: 2 }, paginator: { type: 'pageNumber', maxPages: 2 } }));
    expect(records).toHaveLength(4);
    expect(api.requests).toHaveLength(2);
    const fewer = await collect(
      paginate({ url: api.url, params: { per_page: 2 }, paginator: { type: 'pageNumber', maxPages: 5 }, maxPages: 3 }),
    );
    expect(fewer).toHaveLength(3);
  });
});
