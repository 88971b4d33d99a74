import { parseConfig } from 'siphon-sync';
import { type DemoApiServer, demoAccounts, demoDataset, startDemoApi } from 'siphon-sync/demo-api';
import { openStore, type Store } from 'siphon-sync/store';
import { syncResources } from 'siphon-sync/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableRows } from './helpers/async.js';
import { createTestDatabase, dialects, type TestDatabase } from './helpers/databases.js';
import { sendJson, startServer, type TestServer } from './helpers/test-server.js';

// filter, map, exclude, addFields and includeFromParent: what is stored of
// each record. Stop conditions and announced totals see every record the API
// sent, kept or not.

const SEED = 4;
const data = demoDataset({ seed: SEED });
const accounts = demoAccounts(data.users);
const activeIds = new Set(accounts.filter((account) => account.status === 'active').map((account) => account.id));

let demo: DemoApiServer;
beforeAll(async () => {
  demo = await startDemoApi({ seed: SEED });
});
afterAll(async () => {
  await demo.close();
});

const PAGES: Record<string, { id: number; status: string; note?: string }[]> = {
  '1': [
    { id: 1, status: 'active', note: 'x' },
    { id: 2, status: 'closed' },
    { id: 3, status: 'closed' },
  ],
  '2': [
    { id: 4, status: 'pending' },
    { id: 5, status: 'active', note: 'y' },
  ],
};

// Big numbers as the API writes them: beyond a double, and a decimal string.
const AMOUNTS =
  '[{"id":1,"amount":12345678901234567890,"price":0.3},{"id":2,"amount":12345678901234567891,"price":0.30000000000000001},' +
  '{"id":3,"amount":"12345678901234567892","price":"0.29"},{"id":4,"amount":1.5,"price":null}]';

// A number in one record and a string in another: stored as the text the API sent.
const TEXT = { amount: 'text', price: 'text' };

describe.each(dialects)('record processing (%s)', (dialect) => {
  let db: TestDatabase;
  let store: Store;
  let pages: TestServer;
  let amounts: TestServer;
  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    store = await openStore(db.url);
    await store.init();
    pages = await startServer((req, res) => {
      const page = new URL(req.url ?? '/', 'http://x').searchParams.get('page') ?? '1';
      sendJson(res, 200, PAGES[page] ?? [], { 'x-total-count': '5' });
    });
    amounts = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(AMOUNTS);
    });
  });
  afterAll(async () => {
    await store.close();
    await Promise.all([pages.close(), amounts.close()]);
    await db.drop();
  });

  const sync = async (baseUrl: string, resources: Record<string, unknown>) => {
    const outcomes = await syncResources({ config: parseConfig({ database: db.url, sources: { api: { baseUrl, resources } } }), store });
    for (const outcome of outcomes) expect(outcome.error).toBeUndefined();
    return outcomes;
  };

  it('a short page is measured before the filter, and the announced total counts the filtered records', async () => {
    const before = pages.requests.length;
    const [outcome] = await sync(pages.url, {
      kept: {
        path: '/items',
        primaryKey: 'id',
        paginator: { type: 'pageNumber', pageSize: 3 },
        filter: { path: 'status', in: ['active', 'pending'] },
        exclude: ['note'],
        addFields: { synced_at: '{run.startedAt}', source: '{source.name}', origin: 'run {run.id} of {resource.name}', version: 2 },
      },
    });
    // Page 1 kept one record of three; filtered first, it would have looked short and ended the walk.
    expect(pages.requests.length - before).toBe(2);
    const rows = await tableRows(store, 'kept');
    expect(rows.map((row) => Number(row.id))).toEqual([1, 4, 5]);
    expect(Object.keys(rows[0] ?? {})).not.toContain('note');
    const run = outcome?.run;
    for (const row of rows) {
      expect(new Date(String(row.synced_at)).toISOString()).toBe(new Date(run?.startedAt ?? '').toISOString());
      expect(row.source).toBe('api');
      expect(row.origin).toBe(`run ${run?.id} of kept`);
      expect(Number(row.version)).toBe(2);
    }
  });

  it('compares numbers exactly, whatever form they come in', async () => {
    await sync(amounts.url, {
      big: { path: '/a', primaryKey: 'id', paginator: 'single', columns: TEXT, filter: { path: 'amount', gt: '12345678901234567890' } },
      cheap: {
        path: '/a',
        primaryKey: 'id',
        paginator: 'single',
        columns: TEXT,
        filter: { or: [{ path: 'price', lte: 0.3 }, { and: [{ path: 'price', exists: true }, { not: { path: 'price', ne: null } }] }] },
      },
    });
    expect((await tableRows(store, 'big')).map((row) => Number(row.id))).toEqual([2, 3]);
    // 0.30000000000000001 is above 0.3 (a double would say equal); null only matches the `not ne null` branch.
    expect((await tableRows(store, 'cheap')).map((row) => Number(row.id))).toEqual([1, 3, 4]);
  });

  it('map and filter as functions (siphon.config.ts)', async () => {
    await sync(pages.url, {
      mapped: {
        path: '/items',
        primaryKey: 'id',
        paginator: { type: 'pageNumber', pageSize: 3 },
        map: (record: Record<string, unknown>) => (record.id === 4 ? null : { ...record, label: `#${String(record.id)}` }),
        filter: (record: Record<string, unknown>) => record.status !== 'closed',
      },
    });
    const rows = await tableRows(store, 'mapped');
    expect(rows.map((row) => row.label)).toEqual(['#1', '#5']);
  });

  it('includeFromParent copies parent columns into each child row', async () => {
    const outcomes = await syncResources({
      config: parseConfig({
        database: db.url,
        sources: {
          demo: {
            baseUrl: demo.url,
            paginator: 'single',
            resources: {
              accounts: { path: '/accounts', primaryKey: 'id', filter: { path: 'status', eq: 'active' } },
              account_posts: { path: '/accounts/{accounts.id}/posts', primaryKey: 'id', includeFromParent: ['username', 'status'] },
            },
          },
        },
      }),
      store,
    });
    expect(outcomes.map((outcome) => outcome.run.status)).toEqual(['succeeded', 'succeeded']);
    const rows = await tableRows(store, 'account_posts');
    const expected = data.posts.filter((post) => activeIds.has(post.userId));
    expect(rows).toHaveLength(expected.length);
    for (const row of rows) {
      const account = accounts.find((candidate) => candidate.id === Number(row.accounts_id));
      expect(row.accounts_username).toBe(account?.username);
      expect(row.accounts_status).toBe('active');
    }
  });
});

describe('config: filter, exclude, addFields, includeFromParent', () => {
  const parse = (resource: Record<string, unknown>) => () =>
    parseConfig({
      database: 'sqlite::memory:',
      sources: { api: { baseUrl: 'http://127.0.0.1:9', resources: { a: { path: '/a', ...resource } } } },
    });
  it('points at the mistake', () => {
    expect(parse({ filter: { path: 'status', equals: 'x' } })).toThrow(/resources\.a\.filter\.equals: unknown key/);
    expect(parse({ filter: { path: 'status' } })).toThrow(/resources\.a\.filter: a condition on "status" needs an operator/);
    expect(parse({ filter: { and: [{ path: 's', eq: 1 }, { or: [] }] } })).toThrow(
      /resources\.a\.filter\.and\[1\]\.or: expected a non-empty list/,
    );
    expect(parse({ filter: { not: { path: 's', gt: [1] } } })).toThrow(
      /resources\.a\.filter\.not\.gt: expected a string, number, boolean or null/,
    );
    expect(parse({ filter: { and: [], path: 's' } })).toThrow(/resources\.a\.filter\.path: and stands alone/);
    expect(parse({ filter: 'status == "active"' })).toThrow(/resources\.a\.filter: expected a filter such as/);
    expect(parse({ addFields: { at: '{run.started}' } })).toThrow(/resources\.a\.addFields\.at: unknown placeholder \{run\.started\}/);
    expect(parse({ exclude: 'note' })).toThrow(/resources\.a\.exclude: expected a list of record fields/);
    expect(parse({ map: 'x => x' })).toThrow(/resources\.a\.map: expected a function of the record/);
    expect(parse({ includeFromParent: ['name'] })).toThrow(/resources\.a\.includeFromParent: copies fields of the parent row/);
  });
});
