import { parseConfig } from 'siphon-sync';
import { openStore, type Store } from 'siphon-sync/store';
import { runResource, type SyncEvent, syncResources } from 'siphon-sync/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientPool } from '../src/sync/client-pool.js';
import { tableRows as rows, sleep } from './helpers/async.js';
import { createTestDatabase, dialects, type TestDatabase } from './helpers/databases.js';
import { sendJson, startServer, type TestServer } from './helpers/test-server.js';

describe.each(dialects)('sync runs (%s)', (dialect) => {
  let db: TestDatabase;
  let store: Store;
  const servers: TestServer[] = [];
  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    store = await openStore(db.url);
    await store.init();
  });
  afterAll(async () => {
    await store.close();
    await Promise.all(servers.map((server) => server.close()));
    await db.drop();
  });

  it('incremental: keeps a high-water mark and asks only for what changed', async () => {
    const items = Array.from({ length: 12 }, (_, i) => ({
      id: i + 1,
      name: `item ${i + 1}`,
      updated_at: `2024-01-${String(i + 1).padStart(2, '0')}T00:00:00Z`,
    }));
    const api = await startServer((_req, res, seen) => {
      const since = seen.url.searchParams.get('since');
      const offset = Number(seen.url.searchParams.get('offset') ?? 0);
      const matching = items.filter((item) => since === null || item.updated_at > since);
      sendJson(res, 200, { items: matching.slice(offset, offset + 5), total: matching.length });
    });
    servers.push(api);
    const config = parseConfig({
      database: db.url,
      sources: {
        api: {
          baseUrl: api.url,
          resources: {
            items: {
              path: '/items',
              paginator: { type: 'offset', limit: 5, totalPath: 'total' },
              concurrency: 1,
              records: 'items',
              primaryKey: 'id',
              incremental: { cursorField: 'updated_at', param: 'since' },
              columns: { id: 'bigint', updated_at: 'timestamp' },
            },
          },
        },
      },
    });
    const [first] = await syncResources({ config, store });
    expect(first?.error).toBeUndefined();
    expect(await rows(store, 'items')).toHaveLength(12);
    expect((await store.runs.state('api.items'))?.highWaterMark).toBe('2024-01-12T00:00:00Z');
    expect(api.requests.every((request) => !request.url.searchParams.has('since'))).toBe(true);

    items[3] = { ...items[3]!, name: 'changed', updated_at: '2024-02-01T00:00:00Z' };
    items.push({ id: 13, name: 'new', updated_at: '2024-02-02T00:00:00Z' });
    api.requests.length = 0;
    const [second] = await syncResources({ config, store });
    expect(second?.error).toBeUndefined();
    expect(second?.run.records).toBe(2);
    expect(api.requests.map((request) => request.url.searchParams.get('since'))).toEqual(['2024-01-12T00:00:00Z']);
    const table = await rows(store, 'items');
    expect(table).toHaveLength(13);
    expect(table.find((row) => Number(row.id) === 4)?.name).toBe('changed');
    expect((await store.runs.state('api.items'))?.highWaterMark).toBe('2024-02-02T00:00:00Z');
  });

  it('fan-out: one walk per parent row, bounded concurrency, parent columns recorded', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const api = await startServer(async (_req, res, seen) => {
      const match = /^\/groups\/(\d+)\/members$/.exec(seen.url.pathname);
      if (seen.url.pathname === '/groups')
        return sendJson(
          res,
          200,
          Array.from({ length: 9 }, (_, i) => ({ id: i + 1 })),
        );
      if (!match) return sendJson(res, 404, {});
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 30));
      inFlight -= 1;
      const group = Number(match[1]);
      sendJson(
        res,
        200,
        Array.from({ length: group }, (_, i) => ({ id: group * 100 + i, group })),
      );
    });
    servers.push(api);
    const events: SyncEvent[] = [];
    const config = parseConfig({
      database: db.url,
      sources: {
        clubs: {
          baseUrl: api.url,
          resources: {
            groups: { path: '/groups', paginator: 'single', primaryKey: 'id', columns: { id: 'bigint' } },
            members: {
              path: '/groups/{groups.id}/members',
              paginator: 'single',
              primaryKey: 'id',
              concurrency: 3,
              columns: { id: 'bigint' },
            },
          },
        },
      },
    });
    const outcomes = await syncResources({ config, store, onEvent: (event) => events.push(event) });
    expect(outcomes.map((outcome) => outcome.error)).toEqual([undefined, undefined]);
    const members = await rows(store, 'members');
    expect(members).toHaveLength(45);
    expect(members.every((row) => Number(row.groups_id) === Number(row.group))).toBe(true);
    expect(maxInFlight).toBe(3);
    expect(events.filter((event) => event.type === 'run-end')).toHaveLength(2);
  });

  it('a lease another host holds makes the run skip, or wait for it with leaseWaitMs', async () => {
    const api = await startServer((_req, res) => sendJson(res, 200, [{ id: 1 }]));
    servers.push(api);
    const config = parseConfig({
      database: db.url,
      sources: {
        s: { baseUrl: api.url, resources: { held: { path: '/held', paginator: 'single', primaryKey: 'id', columns: { id: 'bigint' } } } },
      },
    });
    const resource = config.resources[0]!;
    const clients = new ClientPool();
    try {
      // A worker on another host: not a dead local process, so only its expiry or release frees the lease.
      expect(await store.leases.acquire('s.held', 'other-host:4242:abcdef', 60_000)).toBe(true);
      const skipped = await runResource({ config, resource, store, clients });
      expect(skipped.run.status).toBe('skipped');

      const events: SyncEvent[] = [];
      setTimeout(() => void store.leases.release('s.held', 'other-host:4242:abcdef'), 400);
      const waited = await runResource({ config, resource, store, clients, leaseWaitMs: 5_000, onEvent: (event) => events.push(event) });
      expect(waited.run.status).toBe('succeeded');
      expect(events).toContainEqual({ type: 'lease-wait', resource: 's.held', holder: 'other-host:4242:abcdef' });
    } finally {
      await clients.close();
    }
  });

  it('a run whose lease another process takes over stops, interrupted, and leaves the lease to it', async () => {
    const api = await startServer(async (_req, res, seen) => {
      const page = Number(seen.url.searchParams.get('page') ?? 1);
      await sleep(200);
      sendJson(res, 200, page > 20 ? [] : [{ id: page }]);
    });
    servers.push(api);
    const config = parseConfig({
      database: db.url,
      sources: {
        s: {
          baseUrl: api.url,
          resources: {
            stolen: { path: '/stolen', paginator: 'pageNumber', concurrency: 1, batchSize: 1, primaryKey: 'id', columns: { id: 'bigint' } },
          },
        },
      },
    });
    const clients = new ClientPool();
    try {
      // The lease expires after 150 ms but is only renewed each second: a stalled process, as another sees it.
      const running = runResource({ config, resource: config.resources[0]!, store, clients, leaseMs: 150 });
      await sleep(400);
      expect(await store.leases.acquire('s.stolen', 'other-host:4242:abcdef', 60_000)).toBe(true);
      const outcome = await running;
      expect(outcome.run.status).toBe('interrupted');
      expect(outcome.run.error).toContain('lost its lease to another process');
      expect(outcome.run.pages).toBeLessThan(20);
      expect(await store.leases.holder('s.stolen')).toBe('other-host:4242:abcdef');
    } finally {
      await store.leases.release('s.stolen', 'other-host:4242:abcdef');
      await clients.close();
    }
  });

  it("progress events carry the attempt's running tally, and the run record keeps the same totals", async () => {
    let failedOnce = false;
    const api = await startServer((_req, res, seen) => {
      const page = Number(seen.url.searchParams.get('page') ?? 1);
      if (page === 2 && !failedOnce) {
        failedOnce = true;
        return sendJson(res, 503, { detail: 'busy' }, { 'retry-after': '1' });
      }
      sendJson(res, 200, page > 3 ? [] : Array.from({ length: 5 }, (_, i) => ({ id: (page - 1) * 5 + i })));
    });
    servers.push(api);
    const config = parseConfig({
      database: db.url,
      sources: {
        s: {
          baseUrl: api.url,
          retry: { retries: 2 },
          resources: {
            tallied: {
              path: '/tallied',
              params: { per_page: 5 },
              paginator: 'pageNumber',
              concurrency: 1,
              batchSize: 5,
              primaryKey: 'id',
              columns: { id: 'bigint' },
            },
          },
        },
      },
    });
    const events: SyncEvent[] = [];
    const clients = new ClientPool();
    try {
      const outcome = await runResource({ config, resource: config.resources[0]!, store, clients, onEvent: (event) => events.push(event) });
      expect(outcome.error).toBeUndefined();
      const progress = events.flatMap((event) => (event.type === 'progress' ? [event] : []));
      // One batch per page; the empty last page ends the walk and still counts as fetched.
      expect(progress.map((event) => [event.pages, event.records, event.committed, event.retries])).toEqual([
        [1, 5, 5, 0],
        [2, 10, 10, 1],
        [3, 15, 15, 1],
        [4, 15, 15, 1],
      ]);
      const last = progress.at(-1)!;
      expect(last.waitedMs).toBeGreaterThanOrEqual(900); // the 503's Retry-After
      const { pages, records, retries, waitedMs } = outcome.run;
      expect({ pages, records, retries, waitedMs }).toEqual({
        pages: last.pages,
        records: last.records,
        retries: last.retries,
        waitedMs: last.waitedMs,
      });
      expect(records).toBe(15);
    } finally {
      await clients.close();
    }
  });

  it('a failing replace run leaves the old table in place and reports where it failed', async () => {
    let fail = false;
    const api = await startServer((_req, res, seen) => {
      const page = Number(seen.url.searchParams.get('page') ?? 1);
      if (fail && page === 3) return sendJson(res, 404, { detail: 'gone' });
      sendJson(res, 200, page > 4 ? [] : Array.from({ length: 10 }, (_, i) => ({ id: (page - 1) * 10 + i, v: fail ? 'new' : 'old' })));
    });
    servers.push(api);
    const config = parseConfig({
      database: db.url,
      sources: {
        s: {
          baseUrl: api.url,
          resources: {
            things: {
              path: '/things',
              params: { per_page: 10 },
              paginator: 'pageNumber',
              primaryKey: 'id',
              write: 'replace',
              batchSize: 10,
              columns: { id: 'bigint' },
            },
          },
        },
      },
    });
    await syncResources({ config, store });
    fail = true;
    const [outcome] = await syncResources({ config, store });
    expect(outcome?.run.status).toBe('failed');
    expect(outcome?.error?.message).toContain('HTTP 404');
    expect(outcome?.run.error).toContain('/things?per_page=10&page=3');
    const table = await rows(store, 'things');
    expect(table).toHaveLength(40);
    expect(table.every((row) => row.v === 'old')).toBe(true);

    // A fresh run starts at page 1 (a 404 left no checkpoint to continue from anyway).
    fail = false;
    api.requests.length = 0;
    const [fresh] = await syncResources({ config, store, fresh: true });
    expect(fresh?.run.status).toBe('succeeded');
    expect(fresh?.run.id).not.toBe(outcome?.run.id);
    expect(api.requests[0]?.url.searchParams.get('page')).toBe('1');
    // A failed run's row is never rewritten: it keeps its status and error.
    expect(await store.runs.get(outcome?.run.id ?? 0)).toMatchObject({ status: 'failed', error: outcome?.run.error });
  });
});
