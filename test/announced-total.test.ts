import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from 'siphon-sync';
import { type DemoApiServer, startDemoApi } from 'siphon-sync/demo-api';
import { openStore, type Store } from 'siphon-sync/store';
import { type SyncEvent, syncResources } from 'siphon-sync/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableRows } from './helpers/async.js';
import { runCli } from './helpers/cli.js';
import { createTestDatabase, dialects, type TestDatabase } from './helpers/databases.js';
import { sendJson, startServer, type TestServer } from './helpers/test-server.js';

// Never a silent partial sync: when the API announces how many records (or
// pages) there are and the run got fewer, the run fails and says why.
const OFFSET_HINT = 'declare `paginator: { type: offset, offsetParam: _start, limitParam: _limit }`';

let demo: DemoApiServer;
beforeAll(async () => {
  demo = await startDemoApi({ seed: 1 });
});
afterAll(async () => {
  await demo.close();
});

describe.each(dialects)('announced totals (%s)', (dialect) => {
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

  function config(baseUrl: string, resources: Record<string, unknown>) {
    return parseConfig({ database: db.url, sources: { api: { baseUrl, resources } } });
  }

  async function sync(configured: ReturnType<typeof config>, events: SyncEvent[] = []) {
    const [outcome] = await syncResources({ config: configured, store, onEvent: (event) => events.push(event) });
    if (!outcome) throw new Error('no run');
    return outcome;
  }

  async function server(body: unknown, headers: Record<string, string> = {}): Promise<TestServer> {
    const started = await startServer((_req, res) => sendJson(res, 200, body, headers));
    servers.push(started);
    return started;
  }

  it('10 of the 100 posts X-Total-Count announces fails the run, with the paginator to declare', async () => {
    const posts = config(demo.url, { posts: { path: '/posts', params: { _limit: 10 }, primaryKey: 'id' } });
    const events: SyncEvent[] = [];
    const outcome = await sync(posts, events);
    expect(outcome.run.status).toBe('failed');
    expect(outcome.error?.name).toBe('IncompleteSyncError');
    expect(outcome.error?.message).toContain('got 10 of 100 announced');
    expect(outcome.error?.message).toContain('the paginator was detected as single');
    expect(outcome.error?.message).toContain(OFFSET_HINT);
    expect(outcome.run.error).toContain('got 10 of 100 announced');
    const detected = events.find((event) => event.type === 'detected');
    expect(detected?.type === 'detected' && detected.description).toContain('X-Total-Count announces 100 records');

    // The walk is over: running again starts over and fails the same way, never "succeeded".
    const again = await sync(posts);
    expect(again.run.status).toBe('failed');
    expect(again.run.id).not.toBe(outcome.run.id);
    expect(again.error?.message).toContain('got 10 of 100 announced');
  });

  it('expectTotal: false accepts the part; the declared paginator gets the whole', async () => {
    const part = await sync(config(demo.url, { part: { path: '/posts', params: { _limit: 10 }, primaryKey: 'id', expectTotal: false } }));
    expect(part.error).toBeUndefined();
    expect(part.run.records).toBe(10);

    const whole = await sync(
      config(demo.url, {
        whole: {
          path: '/posts',
          params: { _limit: 10 },
          paginator: { type: 'offset', offsetParam: '_start', limitParam: '_limit' },
          primaryKey: 'id',
        },
      }),
    );
    expect(whole.error).toBeUndefined();
    expect(await tableRows(store, 'whole')).toHaveLength(100);
  });

  it('a count in the body and a number of pages are totals too', async () => {
    const records = Array.from({ length: 10 }, (_, i) => ({ id: i + 1 }));
    const drf = await server({ count: 30, next: null, results: records });
    const counted = await sync(config(drf.url, { counted: { path: '/items', paginator: 'single', primaryKey: 'id' } }));
    expect(counted.run.status).toBe('failed');
    expect(counted.error?.message).toContain('got 10 of 30 announced');

    const paged = await server({ total_pages: 3, data: records });
    const pages = await sync(config(paged.url, { paged: { path: '/items', paginator: 'single', primaryKey: 'id' } }));
    expect(pages.run.status).toBe('failed');
    expect(pages.error?.message).toContain('got 1 of 3 pages announced');
  });

  it('counts distinct records: pages that overlap are not the whole', async () => {
    const api = await startServer((_req, res, seen) => {
      // A record inserted at the top between two requests shifts the pages: id 2 comes twice, id 4 never.
      const page = Number(seen.url.searchParams.get('page') ?? '1');
      const pages = [
        [{ id: 1 }, { id: 2 }],
        [{ id: 2 }, { id: 3 }],
      ];
      sendJson(res, 200, pages[page - 1] ?? [], { 'x-total-count': '4' });
    });
    servers.push(api);
    const outcome = await sync(
      config(api.url, { repeated: { path: '/items', paginator: { type: 'pageNumber', pageParam: 'page' }, primaryKey: 'id' } }),
    );
    expect(outcome.run.status).toBe('failed');
    expect(outcome.error?.message).toContain('got 3 of 4 announced');
  });

  it('a partial replace leaves the old table as it was', async () => {
    const full = await server([{ id: 1 }, { id: 2 }, { id: 3 }], { 'x-total-count': '3' });
    const replace = { path: '/items', paginator: 'single', primaryKey: 'id', write: 'replace' };
    expect((await sync(config(full.url, { kept: replace }))).error).toBeUndefined();
    const partial = await server([{ id: 9 }], { 'x-total-count': '3' });
    const outcome = await sync(config(partial.url, { kept: replace }));
    expect(outcome.run.status).toBe('failed');
    expect((await tableRows(store, 'kept')).map((row) => row.id)).toEqual([1n, 2n, 3n]);
  });

  it('more records than announced is a warning, not a failure', async () => {
    const api = await server([{ id: 1 }, { id: 2 }, { id: 3 }], { 'x-total-count': '2' });
    const events: SyncEvent[] = [];
    const outcome = await sync(config(api.url, { extra: { path: '/items', paginator: 'single', primaryKey: 'id' } }), events);
    expect(outcome.error).toBeUndefined();
    expect(events).toContainEqual({ type: 'warning', resource: 'api.extra', message: expect.stringContaining('got 3 of 2 announced') });
  });

  it('siphon check and siphon run say it too', async () => {
    const file = join(db.dir, 'posts.yaml');
    writeFileSync(
      file,
      [
        `database: ${db.url}`,
        'sources:',
        '  demo:',
        `    baseUrl: ${demo.url}`,
        '    resources:',
        '      cli_posts: { path: /posts, params: { _limit: 10 }, primaryKey: id }',
        '',
      ].join('\n'),
    );
    const check = await runCli(['check', '--config', file]);
    expect(check.stdout).toContain('X-Total-Count announces 100 records');
    const run = await runCli(['run', '--config', file], { env: { SIPHON_LOG_FORMAT: 'pretty' } });
    expect(run.code).toBe(1);
    expect(`${run.stdout}${run.stderr}`).toContain('got 10 of 100 announced');
    expect(`${run.stdout}${run.stderr}`).toContain(OFFSET_HINT);
  });
});
