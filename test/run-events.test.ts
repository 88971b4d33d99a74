import { parseConfig } from 'siphon-sync';
import { openStore, type RunEvent, type Store } from 'siphon-sync/store';
import { runResource } from 'siphon-sync/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientPool } from '../src/sync/client-pool.js';
import { createTestDatabase, dialects, type TestDatabase } from './helpers/databases.js';
import { sendJson, startServer, type TestServer } from './helpers/test-server.js';

describe.each(dialects)("a run's timeline (%s)", (dialect) => {
  let db: TestDatabase;
  let store: Store;
  let api: TestServer;
  let failedOnce = false;

  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    store = await openStore(db.url);
    await store.init();
    api = await startServer((_req, res, seen) => {
      if (seen.url.pathname === '/gone') return sendJson(res, 404, { detail: 'no such thing' });
      const page = Number(seen.url.searchParams.get('page') ?? 1);
      if (page === 2 && !failedOnce) {
        failedOnce = true;
        return sendJson(res, 503, { detail: 'busy' });
      }
      sendJson(res, 200, page > 3 ? [] : Array.from({ length: 5 }, (_, i) => ({ id: (page - 1) * 5 + i })));
    });
  });

  afterAll(async () => {
    await store?.close();
    await api?.close();
    await db?.drop();
  });

  const config = () =>
    parseConfig({
      database: db.url,
      sources: {
        s: {
          baseUrl: api.url,
          retry: { retries: 2, base: '10ms', max: '50ms' },
          resources: {
            items: { path: '/items', params: { per_page: 5 }, paginator: 'pageNumber', concurrency: 1, batchSize: 10, primaryKey: 'id' },
            gone: { path: '/gone', paginator: 'single', primaryKey: 'id' },
          },
        },
      },
    });

  const types = (events: readonly RunEvent[]): string[] => events.map((event) => event.type);

  it('keeps the pages, the retry, the commits and the end, in order', async () => {
    const resolved = config();
    const clients = new ClientPool();
    try {
      const { run, error } = await runResource({ config: resolved, resource: resolved.resources[0]!, store, clients });
      expect(error?.stack).toBeUndefined();
      const events = await store.runs.events.list(run.id);
      expect(types(events)).toEqual(['run-start', 'page', 'retry', 'page', 'progress', 'page', 'page', 'progress', 'run-end']);
      expect(events.every((event) => event.runId === run.id)).toBe(true);
      const pages = events.filter((event) => event.type === 'page').map((event) => event.data);
      expect(pages[1]).toMatchObject({ index: 1, records: 5, attempts: 2, status: 200 });
      expect(String((pages[1] as { url: string }).url)).toContain('page=2');
      expect(events.find((event) => event.type === 'retry')?.data).toMatchObject({ attempt: 1, reason: 'HTTP 503' });
      expect(events.at(-1)?.data).toMatchObject({ status: 'succeeded', records: 15, pages: 4, error: null });
    } finally {
      await clients.close();
    }
  });

  it("keeps a failed run's error with its cause chain", async () => {
    const resolved = config();
    const clients = new ClientPool();
    try {
      const { run, error } = await runResource({ config: resolved, resource: resolved.resources[1]!, store, clients });
      expect(error?.name).toBe('HttpStatusError');
      const end = (await store.runs.events.list(run.id)).at(-1);
      expect(end?.type).toBe('run-end');
      const chain = (end!.data as { error: { name: string; status?: number; request?: string }[] }).error;
      expect(chain[0]).toMatchObject({ name: 'HttpStatusError', status: 404 });
      expect(chain[0]?.request).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/gone/);
    } finally {
      await clients.close();
    }
  });
});
