import { paginate, parseConfig, RepeatedPageError } from 'siphon-sync';
import { openStore } from 'siphon-sync/store';
import { syncResources } from 'siphon-sync/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableRows } from './helpers/async.js';
import { createTestDatabase } from './helpers/databases.js';
import { sendJson, startServer, type TestServer } from './helpers/test-server.js';

describe('a server that ignores the page parameter', () => {
  let api: TestServer;
  beforeAll(async () => {
    // Pages by `page` only; any other parameter gets page 1 again, forever.
    api = await startServer((_req, res, seen) => {
      const page = Number(seen.url.searchParams.get('page') ?? 1);
      const items = page <= 2 ? [1, 2, 3].map((n) => ({ id: (page - 1) * 3 + n })) : [];
      sendJson(res, 200, { items });
    });
  });
  afterAll(async () => {
    await api.close();
  });

  async function walk(paginator: Parameters<typeof paginate>[0]['paginator']): Promise<{ pages: number; error: unknown }> {
    let pages = 0;
    try {
      for await (const _page of paginate({ url: `${api.url}/items`, paginator, records: 'items', concurrency: 1 })) pages += 1;
      return { pages, error: undefined };
    } catch (error) {
      return { pages, error };
    }
  }

  it('fails on the second identical page, with a hint naming pageParam', async () => {
    const { pages, error } = await walk({ type: 'pageNumber', pageParam: 'p' });
    expect(error).toBeInstanceOf(RepeatedPageError);
    expect((error as Error).message).toContain('page 2 holds the same 3 records as page 1');
    expect((error as RepeatedPageError).hint).toContain(`pageParam ("p")`);
    expect((error as RepeatedPageError).retryable).toBe(false);
    expect(pages).toBe(1);
  });

  it('names offsetParam for an offset walk', async () => {
    const { error } = await walk({ type: 'offset', offsetParam: 'skip', limit: 3 });
    expect((error as RepeatedPageError).hint).toContain(`offsetParam ("skip")`);
  });

  it('a walk the server honours is not affected', async () => {
    const { pages, error } = await walk({ type: 'pageNumber', pageParam: 'page' });
    expect(error).toBeUndefined();
    expect(pages).toBe(3);
  });

  it('an append run stores the page once and fails', async () => {
    const db = await createTestDatabase('sqlite');
    const store = await openStore(db.url);
    try {
      await store.init();
      const config = parseConfig({
        database: db.url,
        sources: {
          api: {
            baseUrl: api.url,
            resources: {
              items: {
                path: '/items',
                paginator: { type: 'pageNumber', pageParam: 'pg' },
                records: 'items',
                write: 'append',
                batchSize: 3,
              },
            },
          },
        },
      });
      const [outcome] = await syncResources({ config, store });
      expect(outcome?.error?.name).toBe('RepeatedPageError');
      expect(outcome?.run.error).toContain('pageParam ("pg")');
      expect(await tableRows(store, 'items')).toHaveLength(3);
    } finally {
      await store.close();
      await db.drop();
    }
  });
});

describe('pages compared by their records, not their bodies', () => {
  let api: TestServer;
  beforeAll(async () => {
    // /envelope: pages by `page`, in an envelope that differs on every response (a request id, the URL asked
    // for, the records spaced differently). /ends: two pages agreeing in count, first and last record only.
    api = await startServer((_req, res, seen, index) => {
      const page = Number(seen.url.searchParams.get('page') ?? 1);
      if (seen.url.pathname === '/envelope') {
        const items = page <= 2 ? [1, 2, 3].map((n) => ({ id: (page - 1) * 3 + n, price: 0.1 })) : [];
        const spacing = index % 2 === 0 ? undefined : 2;
        sendJson(
          res,
          200,
          `{"request_id":${index},"self":${JSON.stringify(seen.url.href)},"items":${JSON.stringify(items, null, spacing)}}`,
        );
      } else {
        const items = page === 1 ? ['a', 'b', 'z'] : page === 2 ? ['a', 'c', 'z'] : [];
        sendJson(
          res,
          200,
          items.map((id) => ({ id })),
        );
      }
    });
  });
  afterAll(async () => {
    await api.close();
  });

  async function walk(path: string, pageParam: string, change?: (record: Record<string, unknown>) => void) {
    const paginator = { type: 'pageNumber', pageParam } as const;
    // A bounded walk: a check that misses the repeat ends after 10 pages instead of never.
    const pages: unknown[][] = [];
    try {
      for await (const page of paginate<Record<string, unknown>>({
        url: `${api.url}${path}`,
        paginator,
        records: 'auto',
        concurrency: 2,
        maxPages: 10,
      })) {
        pages.push(structuredClone(page.records));
        for (const record of page.records) change?.(record);
      }
      return { pages, error: undefined };
    } catch (error) {
      return { pages, error };
    }
  }

  it('the same records in a body that changes around them are a repeated page', async () => {
    const { pages, error } = await walk('/envelope', 'p');
    expect(error).toBeInstanceOf(RepeatedPageError);
    expect((error as Error).message).toContain('page 2 holds the same 3 records as page 1');
    expect(pages).toHaveLength(1);
  });

  it('records the caller changed are still compared as the server sent them', async () => {
    const { pages, error } = await walk('/envelope', 'p', (record) => {
      record.id = `seen ${String(record.id)}`;
      record.fetched = true;
    });
    expect(error).toBeInstanceOf(RepeatedPageError);
    expect(pages).toHaveLength(1);
  });

  it('a walk the server honours reads every page of the envelope', async () => {
    const { pages, error } = await walk('/envelope', 'page');
    expect(error).toBeUndefined();
    expect(pages.map((records) => records.map((record) => (record as { id: number }).id))).toEqual([[1, 2, 3], [4, 5, 6], []]);
  });

  it('pages that agree in their first and last record only are different pages', async () => {
    const { pages, error } = await walk('/ends', 'page');
    expect(error).toBeUndefined();
    expect(pages).toEqual([[{ id: 'a' }, { id: 'b' }, { id: 'z' }], [{ id: 'a' }, { id: 'c' }, { id: 'z' }], []]);
  });
});
