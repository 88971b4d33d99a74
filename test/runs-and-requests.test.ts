import { CoercionError, HttpStatusError, PaginationError, ParentValueError, parseConfig } from 'siphon-sync';
import { openStore, type Store } from 'siphon-sync/store';
import { type SyncEvent, syncResources } from 'siphon-sync/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableRows } from './helpers/async.js';
import { createTestDatabase, dialects, type TestDatabase } from './helpers/databases.js';
import { sendJson, serversPerTest } from './helpers/test-server.js';

// What a run records of itself, what a later run takes over from it, and
// what goes on the wire: the promises of docs/reliability.md, "Runs,
// resuming and requests", on both databases.

const fastRetry = { retries: 2, base: '10ms', max: '50ms' } as const;

describe.each(dialects)('runs, resuming and requests (%s)', (dialect) => {
  let db: TestDatabase;
  let store: Store;
  let serial = 0;
  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    store = await openStore(db.url);
    await store.init();
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  const server = serversPerTest();

  /** A source of its own, each resource with a table of its own (`<resource>_<n>`), so tests never share rows. */
  function configOf(baseUrl: string, resources: Record<string, Record<string, unknown>>, source: Record<string, unknown> = {}) {
    serial += 1;
    const own = Object.fromEntries(
      Object.entries(resources).map(([name, resource]) => [name, { table: `${name}_${serial}`, ...resource }]),
    );
    return parseConfig({ database: db.url, sources: { [`s${serial}`]: { baseUrl, ...source, resources: own } } });
  }

  /**
   * `GET /items?page=N` (5 records a page, 4 pages, then an empty one). The
   * records carry `version`; `answer` can replace any page's answer.
   */
  async function versionedApi(answer: (page: number, hit: number) => { status: number; body?: unknown } | undefined) {
    const hits = new Map<number, number>();
    const state = { version: 1 };
    const api = await server((_req, res, seen) => {
      const page = Number(seen.url.searchParams.get('page') ?? '1');
      const hit = (hits.get(page) ?? 0) + 1;
      hits.set(page, hit);
      const special = answer(page, hit);
      if (special) return sendJson(res, special.status, special.body ?? { error: `status ${special.status}` });
      const data = page > 4 ? [] : Array.from({ length: 5 }, (_, i) => ({ id: (page - 1) * 5 + i + 1, n: state.version }));
      sendJson(res, 200, { data });
    });
    return { api, state, hits: (page: number) => hits.get(page) ?? 0 };
  }

  const pagedResource = (write: string) => ({
    path: '/items',
    paginator: { type: 'pageNumber', pageParam: 'page', start: 1 },
    records: 'data',
    // One page at a time: no page is prefetched, so every hit below is deliberate.
    concurrency: 1,
    batchSize: 5,
    primaryKey: 'id',
    write,
    columns: { id: 'bigint', n: 'bigint' },
  });

  it('a replace that failed on a value is never resumed: the next run is a new row, starts from page 1, and the failed row stays failed', async () => {
    let broken = false;
    const { api, state, hits } = await versionedApi((page) =>
      broken && page === 3 ? { status: 200, body: { data: [{ id: 11, n: 'not a number' }] } } : undefined,
    );
    const config = configOf(api.url, { items: pagedResource('replace') });
    const id = config.resources[0]?.id as string;
    const table = config.resources[0]?.table.name as string;

    const [first] = await syncResources({ config, store });
    expect(first?.error).toBeUndefined();

    state.version = 2;
    broken = true;
    const [failed] = await syncResources({ config, store });
    expect(failed?.error).toBeInstanceOf(CoercionError);
    expect(failed?.run.status).toBe('failed');
    // Readers still see the first run's table whole.
    expect((await tableRows(store, table)).map((row) => row.n)).toEqual(Array(20).fill(1n));

    state.version = 3;
    broken = false;
    const [next] = await syncResources({ config, store });
    expect(next?.error).toBeUndefined();
    expect(next?.run.id).not.toBe(failed?.run.id);
    // One point in time: every row from the run that swapped them in.
    expect((await tableRows(store, table)).map((row) => row.n)).toEqual(Array(20).fill(3n));
    expect(hits(1)).toBe(3);
    const kept = await store.runs.get(failed?.run.id as number);
    expect(kept).toMatchObject({ status: 'failed', pages: 2, records: 10 });
    expect(kept?.error).toMatch(/cannot store "not a number"/);
    expect((await store.runs.list({ resource: id })).map((run) => run.status)).toEqual(['succeeded', 'failed', 'succeeded']);
  });

  it('a run that failed on a transient error is continued by a new run from its checkpoint; the failed row keeps its error and its retries', async () => {
    let down = false;
    const { api, hits } = await versionedApi((page) => (down && page === 3 ? { status: 503 } : undefined));
    const config = configOf(api.url, { items: pagedResource('replace') }, { retry: fastRetry });
    const id = config.resources[0]?.id as string;
    const table = config.resources[0]?.table.name as string;

    down = true;
    const [failed] = await syncResources({ config, store });
    expect(failed?.error).toBeInstanceOf(HttpStatusError);
    expect(failed?.run).toMatchObject({ status: 'failed', pages: 2, records: 10, retries: 2 });
    expect(failed?.run.waitedMs).toBeGreaterThan(0);
    // Nothing swapped in: the staged pages are not the table's.
    expect((await store.hasTable(table)) ? await tableRows(store, table) : []).toEqual([]);

    down = false;
    const events: SyncEvent[] = [];
    const [next] = await syncResources({ config, store, onEvent: (event) => events.push(event) });
    expect(next?.error).toBeUndefined();
    expect(next?.run.id).not.toBe(failed?.run.id);
    expect(next?.run).toMatchObject({ status: 'succeeded', attempt: 2, pages: 5, records: 20 });
    expect(events.find((event) => event.type === 'run-start')).toMatchObject({ resumed: true });
    // Pages 1–2 were committed (to staging) by the failed run and not fetched again.
    expect([hits(1), hits(2), hits(3), hits(4)]).toEqual([1, 1, 4, 1]);
    expect(await tableRows(store, table)).toHaveLength(20);
    const kept = await store.runs.get(failed?.run.id as number);
    expect(kept).toMatchObject({ status: 'failed', retries: 2 });
    expect(kept?.error).toMatch(/HTTP 503/);
    expect((await store.runs.list({ resource: id })).map((run) => run.status)).toEqual(['succeeded', 'failed']);
  });

  it('a failed run records every retry and wait, those of pages it never committed included', async () => {
    // Page 1 needs one retry, page 2 never comes: nothing is committed (one batch of 100).
    const { api } = await versionedApi((page, hit) => ((page === 1 && hit === 1) || page === 2 ? { status: 503 } : undefined));
    const config = configOf(api.url, { items: { ...pagedResource('merge'), batchSize: 100 } }, { retry: fastRetry });
    const [failed] = await syncResources({ config, store });
    expect(failed?.error).toBeInstanceOf(HttpStatusError);
    expect(failed?.run).toMatchObject({ status: 'failed', pages: 0, records: 0, retries: 3 });
    expect(failed?.run.waitedMs).toBeGreaterThan(0);
    expect((await store.runs.get(failed?.run.id as number))?.retries).toBe(3);
  });

  it('a run that succeeded also counts the retries of pages it fetched ahead and never needed', async () => {
    // Pages 1–4 hold records; page 5 (the end) answers late, while page 6, fetched
    // ahead, is refused once: its retry happens before the walk knows it is over.
    const { api, hits } = await versionedApi((page) => (page === 6 ? { status: 503 } : undefined));
    const slowEnd = await server(async (req, res) => {
      const target = new URL(req.url ?? '/', api.url);
      if (target.searchParams.get('page') === '5') await new Promise((resolve) => setTimeout(resolve, 1000));
      const answer = await fetch(target);
      sendJson(res, answer.status, await answer.text());
    });
    const config = configOf(slowEnd.url, { items: { ...pagedResource('merge'), concurrency: 3 } }, { retry: fastRetry });
    const [outcome] = await syncResources({ config, store });
    expect(outcome?.error).toBeUndefined();
    expect(hits(6)).toBeGreaterThanOrEqual(1);
    expect(outcome?.run).toMatchObject({ status: 'succeeded', records: 20 });
    expect(outcome?.run.retries).toBeGreaterThanOrEqual(1);
    expect((await store.runs.get(outcome?.run.id as number))?.retries).toBe(outcome?.run.retries);
  });

  it('an empty 200 body fails naming the URL and the status', async () => {
    const api = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '0' });
      res.end();
    });
    const config = configOf(api.url, { things: { path: '/things' } });
    const [outcome] = await syncResources({ config, store });
    expect(outcome?.error).toBeInstanceOf(PaginationError);
    expect(outcome?.error?.message).toContain(`${api.url}/things`);
    expect(outcome?.error?.message).toMatch(/HTTP 200/);
    expect(outcome?.error?.message).toMatch(/empty/);
  });

  it('a body that is not valid UTF-8 is stored as decoded, with one warning per run naming the URL', async () => {
    const api = await server((req, res) => {
      const page = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('page') ?? '1');
      const body =
        page > 2 ? Buffer.from('[]') : Buffer.concat([Buffer.from(`[{"id":${page},"name":"caf`), Buffer.from([0xe9]), Buffer.from('"}]')]);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
      res.end(body);
    });
    const config = configOf(api.url, {
      words: { path: '/words', paginator: { type: 'pageNumber', pageParam: 'page', start: 1 }, primaryKey: 'id' },
    });
    const events: SyncEvent[] = [];
    const [outcome] = await syncResources({ config, store, onEvent: (event) => events.push(event) });
    expect(outcome?.error).toBeUndefined();
    const warnings = events.filter((event) => event.type === 'warning');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.type === 'warning' && warnings[0].message).toMatch(/not valid UTF-8/);
    expect(warnings[0]?.type === 'warning' && warnings[0].message).toContain(`${api.url}/words?page=1`);
    const rows = await tableRows(store, config.resources[0]?.table.name as string);
    expect(rows.map((row) => row.name)).toEqual(['caf\uFFFD', 'caf\uFFFD']);
  });

  it('a resource with neither primaryKey nor columns is inferred and appended', async () => {
    const api = await server((_req, res) =>
      sendJson(res, 200, [
        { userId: 1, title: 'a' },
        { userId: 2, title: 'b' },
      ]),
    );
    const config = configOf(api.url, { posts: { path: '/posts' } });
    const [first] = await syncResources({ config, store });
    expect(first?.error).toBeUndefined();
    const [second] = await syncResources({ config, store });
    expect(second?.error).toBeUndefined();
    const rows = await tableRows(store, config.resources[0]?.table.name as string);
    expect(rows.map((row) => [row.user_id, row.title])).toEqual([
      [1n, 'a'],
      [2n, 'b'],
      [1n, 'a'],
      [2n, 'b'],
    ]);
  });

  describe('parent values in a child path', () => {
    /** `/parents` lists `ids`; `/parents/{id}/kids` answers one kid per parent. Raw request targets are kept, before any normalization. */
    async function parentsApi(ids: readonly string[]) {
      const targets: string[] = [];
      const api = await server((req, res) => {
        const target = req.url ?? '';
        targets.push(target);
        if (target === '/parents')
          return sendJson(
            res,
            200,
            ids.map((id) => ({ id })),
          );
        const match = /^\/parents\/([^/?#]*)\/kids$/.exec(target);
        if (!match) return sendJson(res, 404, { error: 'no such path' });
        sendJson(res, 200, [{ kid: decodeURIComponent(match[1] as string) }]);
      });
      const config = configOf(api.url, {
        parents: { path: '/parents', primaryKey: 'id', columns: { id: 'text' } },
        kids: { path: '/parents/{parents.id}/kids', primaryKey: 'kid', columns: { kid: 'text' } },
      });
      return { api, targets, config };
    }

    it('are percent-encoded as one path segment each', async () => {
      const ids = ['a/b', 'x?y=1', 'p#q', '50%', 'two words', '%2e%2e', '...'];
      const { targets, config } = await parentsApi(ids);
      const outcomes = await syncResources({ config, store });
      expect(outcomes.map((outcome) => outcome.error)).toEqual([undefined, undefined]);
      const kids = targets.filter((target) => target !== '/parents');
      expect(kids.sort()).toEqual(ids.map((id) => `/parents/${encodeURIComponent(id)}/kids`).sort());
      const rows = await tableRows(store, config.resources[1]?.table.name as string);
      expect(rows.map((row) => row.kid).sort()).toEqual([...ids].sort());
    });

    it.each(['..', '.'])(
      'fail the run on %j, which no encoding keeps inside its segment, and request nothing outside the path',
      async (bad) => {
        const { targets, config } = await parentsApi(['a', bad, 'b']);
        const [parents, kids] = await syncResources({ config, store });
        expect(parents?.error).toBeUndefined();
        expect(kids?.error).toBeInstanceOf(ParentValueError);
        expect(kids?.error?.message).toContain(JSON.stringify(bad));
        expect(kids?.error?.message).toContain('{parents.id}');
        expect(kids?.run.status).toBe('failed');
        expect(targets.every((target) => target === '/parents' || /^\/parents\/[ab]\/kids$/.test(target))).toBe(true);
      },
    );
  });
});
