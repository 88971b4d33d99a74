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
