import { fetchRecords, parseConfig, type WalkEvent } from 'siphon-sync';
import { type DemoApiServer, demoAccounts, demoDataset, startDemoApi } from 'siphon-sync/demo-api';
import { openStore, type Store } from 'siphon-sync/store';
import { type SyncEvent, syncResources } from 'siphon-sync/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, tableRows } from './helpers/async.js';
import { createTestDatabase, dialects, type TestDatabase } from './helpers/databases.js';
import { sendJson, serversPerTest } from './helpers/test-server.js';

// responseActions: ordered rules on a response's status and body. `ignore`
// ends that walk without records (the run goes on, and says how many),
// `retry` takes the client's backoff, `fail` fails; without a rule other
// 4xx still fail the run.

const SEED = 3;
const data = demoDataset({ seed: SEED });
const accounts = demoAccounts(data.users);
const closed = accounts.filter((account) => account.status === 'closed');
const activePosts = data.posts.filter((post) => accounts.find((account) => account.id === post.userId)?.status === 'active');

let demo: DemoApiServer;
beforeAll(async () => {
  demo = await startDemoApi({ seed: SEED });
});
afterAll(async () => {
  await demo.close();
});
const server = serversPerTest();

describe('response actions in a walk', () => {
  it('retries a 403 whose body says "rate limit", and a 200 whose error.code is NOT_READY', async () => {
    const api = await server((_req, res, _seen, index) => {
      if (index === 0) sendJson(res, 403, { message: 'API rate limit exceeded' });
      else if (index === 1) sendJson(res, 200, { error: { code: 'NOT_READY' } });
      else sendJson(res, 200, { data: [{ id: 1 }] });
    });
    const events: WalkEvent[] = [];
    const records = await collect(
      fetchRecords({
        url: api.url,
        paginator: 'single',
        records: 'data',
        retry: { base: '10ms' },
        responseActions: [
          { status: 403, contains: 'rate limit', action: 'retry' },
          { path: 'error.code', equals: 'NOT_READY', action: 'retry' },
        ],
        onEvent: (event) => events.push(event),
      }),
    );
    expect(records).toEqual([{ id: 1 }]);
    const reasons = events.flatMap((event) => (event.type === 'retry' ? [event.reason] : []));
    expect(reasons).toEqual([
      'HTTP 403, status 403, body contains "rate limit" (responseActions)',
      'HTTP 200, error.code = "NOT_READY" (responseActions)',
    ]);
  });

  it('the first matching rule decides; a 403 no rule matches fails as before', async () => {
    const api = await server((_req, res) => sendJson(res, 403, { message: 'forbidden' }));
    const rules = [
      { status: 403, contains: 'rate limit', action: 'retry' as const },
      { status: [401, 403], action: 'ignore' as const },
    ];
    expect(await collect(fetchRecords({ url: api.url, paginator: 'single', responseActions: rules }))).toEqual([]);
    await expect(collect(fetchRecords({ url: api.url, paginator: 'single', responseActions: rules.slice(0, 1) }))).rejects.toThrow(
      /HTTP 403 .*forbidden/,
    );
    expect(api.requests).toHaveLength(2);
  });

  it('fails a 200 a fail rule matches, numbers compared exactly', async () => {
    const api = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":{"code":12345678901234567891},"data":[{"id":1}]}');
    });
    const walk = (equals: string) =>
      collect(
        fetchRecords({
          url: api.url,
          paginator: 'single',
          records: 'data',
          responseActions: [{ path: 'status.code', equals, action: 'fail' }],
        }),
      );
    // 12345678901234567890 and …891 are the same double: only an exact comparison tells them apart.
    expect(await walk('12345678901234567890')).toEqual([{ id: 1 }]);
    await expect(walk('12345678901234567891')).rejects.toThrow(
      /HTTP 200 OK from GET .* \(responseActions: status\.code = "12345678901234567891"\)/,
    );
  });

  it('an ignored page ends the walk after the pages before it', async () => {
    const api = await server((req, res) => {
      const page = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('page'));
      if (page === 3) sendJson(res, 410, { error: 'gone' });
      else sendJson(res, 200, [{ id: page * 10 + 1 }, { id: page * 10 + 2 }]);
    });
    const events: WalkEvent[] = [];
    const records = await collect(
      fetchRecords({
        url: api.url,
        paginator: 'pageNumber',
        responseActions: [{ status: 410, action: 'ignore' }],
        onEvent: (event) => events.push(event),
      }),
    );
    expect(records).toEqual([{ id: 11 }, { id: 12 }, { id: 21 }, { id: 22 }]);
    expect(events.filter((event) => event.type === 'ignored')).toEqual([
      { type: 'ignored', status: 410, rule: 'status 410', url: `${api.url}/?page=3` },
    ]);
  });
});

describe('config: responseActions', () => {
  it('checks each rule at its path', () => {
    const parse = (responseActions: unknown) => () =>
      parseConfig({
        database: 'sqlite::memory:',
        sources: { api: { baseUrl: demo.url, responseActions, resources: { a: { path: '/a' } } } },
      });
    expect(parse([{ action: 'ignore' }])).toThrow(/sources\.api\.responseActions\[0\]: a rule needs a condition/);
    expect(parse([{ status: 404, action: 'skip' }])).toThrow(
      /sources\.api\.responseActions\[0\]\.action: expected one of ignore, retry, fail/,
    );
    expect(parse([{ status: 404, equals: 'x', action: 'ignore' }])).toThrow(/responseActions\[0\]\.path: equals needs path/);
    expect(parse([{ status: 99, action: 'ignore' }])).toThrow(/responseActions\[0\]\.status: expected an HTTP status code/);
    expect(parse([{ status: 404, action: 'ignore' }])).not.toThrow();
  });
});

describe.each(dialects)('children of deleted parents (%s)', (dialect) => {
  let db: TestDatabase;
  let store: Store;
  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    store = await openStore(db.url);
    await store.init();
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  const config = (posts: Record<string, unknown>, table: string) =>
    parseConfig({
      database: db.url,
      sources: {
        demo: {
          baseUrl: demo.url,
          paginator: 'single',
          resources: {
            accounts: { path: '/accounts', primaryKey: 'id' },
            [table]: { path: '/accounts/{accounts.id}/posts', primaryKey: 'id', ...posts },
          },
        },
      },
    });

  it('with { status: 404, action: ignore } the run succeeds, stores every live child, and counts the skipped ones', async () => {
    expect(closed.length).toBeGreaterThan(0);
    const events: SyncEvent[] = [];
    const outcomes = await syncResources({
      config: config({ responseActions: [{ status: 404, action: 'ignore' }] }, 'account_posts'),
      store,
      onEvent: (event) => events.push(event),
    });
    expect(outcomes.map((outcome) => outcome.run.status)).toEqual(['succeeded', 'succeeded']);
    const rows = await tableRows(store, 'account_posts');
    expect(rows.map((row) => Number(row.id)).sort((a, b) => a - b)).toEqual(activePosts.map((post) => post.id));
    const ignored = events.filter((event) => event.type === 'ignored');
    expect(ignored).toHaveLength(closed.length);
    const warning = events.find((event) => event.type === 'warning' && event.message.includes('responseActions'));
    expect(warning?.type === 'warning' && warning.message).toBe(
      `${closed.length} responses ignored by responseActions (status 404: ${closed.length}); their walks ended there`,
    );
    // The run's timeline has each of them.
    const run = outcomes[1]?.run;
    const timeline = await store.runs.events.list(run?.id ?? 0, { limit: 1000 });
    expect(timeline.filter((event) => event.type === 'ignored')).toHaveLength(closed.length);
  });

  it('without the rule, the first 404 fails the run', async () => {
    const outcomes = await syncResources({ config: config({}, 'strict_posts'), store });
    expect(outcomes[1]?.run.status).toBe('failed');
    expect(outcomes[1]?.error?.message).toMatch(/HTTP 404 Not Found from GET .*\/accounts\/\d+\/posts.*account closed/);
  });
});
