import { parseConfig } from 'siphon-sync';
import { createAdminApp } from 'siphon-sync/admin';
import { openStore, type Store } from 'siphon-sync/store';
import { syncResources } from 'siphon-sync/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, dialects, type TestDatabase } from './helpers/databases.js';
import { sendJson, startServer, type TestServer } from './helpers/test-server.js';

const TOKEN = 'api-limit-test-token-0123456789abcdef';

// The budget the API itself announces (X-RateLimit-*), learned from the last
// page of the last run, beside the one the config declares.
describe.each(dialects)("the API's own rate limit on the overview (%s)", (dialect) => {
  let db: TestDatabase;
  let store: Store;
  let api: TestServer;
  const resetAt = Math.floor(Date.now() / 1000) + 3600;

  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    api = await startServer((_req, res, seen) => {
      const page = Number(seen.url.searchParams.get('page') ?? 1);
      const items = page <= 2 ? [{ id: page * 2 - 1 }, { id: page * 2 }] : [];
      // Each answer uses one more of the hour's 30 requests.
      sendJson(
        res,
        200,
        { items },
        { 'x-ratelimit-limit': '30', 'x-ratelimit-remaining': String(30 - page), 'x-ratelimit-reset': String(resetAt) },
      );
    });
    store = await openStore(db.url);
    await store.init();
  });
  afterAll(async () => {
    await store.close();
    await api.close();
    await db.drop();
  });

  it('shows what the last page said is left, and when it resets, in the page and the API', async () => {
    const config = parseConfig({
      database: db.url,
      sources: {
        api: {
          baseUrl: api.url,
          rateLimit: { requests: 20, per: '1h' },
          resources: {
            items: {
              path: '/items',
              paginator: { type: 'pageNumber', pageParam: 'page', start: 1 },
              records: 'items',
              primaryKey: 'id',
              concurrency: 1,
            },
            quiet: { path: '/items', paginator: 'single', records: 'items', primaryKey: 'id', expectTotal: false },
          },
        },
      },
    });
    await syncResources({ config, store, only: ['api.items'] });
    const app = createAdminApp({ config, store, token: TOKEN });
    const headers = { authorization: `Bearer ${TOKEN}` };
    const { resources } = (await (await app.request('/api/v1/resources', { headers })).json()) as {
      resources: {
        id: string;
        rateLimit: string | null;
        apiLimit: { limit?: number; remaining?: number; resetAt?: string; at: string } | null;
      }[];
    };
    const items = resources.find((resource) => resource.id === 'api.items');
    // Pages 1, 2 and the empty page 3: the last said 27 of 30 were left.
    expect(items?.rateLimit).toBe('20 requests / 1h');
    expect(items?.apiLimit).toMatchObject({ limit: 30, remaining: 27, resetAt: new Date(resetAt * 1000).toISOString() });
    expect(resources.find((resource) => resource.id === 'api.quiet')?.apiLimit).toBeNull();
    const overview = await (await app.request('/', { headers })).text();
    expect(overview).toMatch(/API: 27 of 30 left, resets in (59|60) min/);
  });
});
