import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoercionError, parseConfig, SchemaError } from 'siphon-sync';
import { type DemoApiServer, demoDataset, startDemoApi } from 'siphon-sync/demo-api';
import { openStore, type Store } from 'siphon-sync/store';
import { type SyncEvent, syncResources } from 'siphon-sync/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, tableRows } from './helpers/async.js';
import { runCli } from './helpers/cli.js';
import { createTestDatabase, dialects, type TestDatabase } from './helpers/databases.js';
import { type RawPagesApi, rawPagesResource, startRawPagesApi } from './helpers/raw-pages-api.js';

// Tables that follow the data: created from the first batch, typed from every
// record of it, widened losslessly (integer → bigint → decimal, and to text
// with `undeclared: evolve`) when later data needs it, in place and exactly.
const TEN_30 = '1000000000000000000000000000000';
const dataset = demoDataset({ seed: 1 });

let demo: DemoApiServer;
beforeAll(async () => {
  demo = await startDemoApi({ seed: 1 });
});
afterAll(async () => {
  await demo.close();
});

describe.each(dialects)('schema that follows the data (%s)', (dialect) => {
  let db: TestDatabase;
  let store: Store;
  const apis: RawPagesApi[] = [];
  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    store = await openStore(db.url);
    await store.init();
  });
  afterAll(async () => {
    await store.close();
    await Promise.all(apis.map((api) => api.close()));
    await db.drop();
  });

  async function rawApi(pages: string[]): Promise<RawPagesApi> {
    const api = await startRawPagesApi(pages);
    apis.push(api);
    return api;
  }

  function config(baseUrl: string, resources: Record<string, unknown>) {
    return parseConfig({ database: db.url, sources: { api: { baseUrl, resources } } });
  }

  async function sync(configured: ReturnType<typeof config>, events: SyncEvent[] = []) {
    const [outcome] = await syncResources({ config: configured, store, onEvent: (event) => events.push(event) });
    if (!outcome) throw new Error('no run');
    return outcome;
  }

  async function types(table: string): Promise<Record<string, string | undefined>> {
    const columns = await store.tableColumns(table);
    return Object.fromEntries(
      columns.map((column) => [column.name, column.type && (column.type.kind === 'decimal' ? 'decimal' : column.type.kind)]),
    );
  }

  it('the minimal config runs: a table created from the first batch, appended to', async () => {
    const minimal = config(demo.url, { users: { path: '/users' } });
    expect(minimal.resources[0]?.write).toBe('append');
    const first = await sync(minimal);
    expect(first.error).toBeUndefined();
    expect(first.run.status).toBe('succeeded');
    expect(await types('users')).toMatchObject({ id: 'bigint', name: 'text', address: 'json', company: 'json' });
    const rows = await tableRows(store, 'users');
    expect(rows.map((row) => row.id)).toEqual(dataset.users.map((user) => BigInt(user.id)));
    expect(rows[0]?.address).toEqual(dataset.users[0]?.address);
    await sync(minimal);
    expect(await tableRows(store, 'users')).toHaveLength(2 * dataset.users.length);
  });

  it('a primaryKey without a declared column is typed from its values: ids sort 1, 2, 10 and join', async () => {
    const keyed = config(demo.url, {
      people: { path: '/users', table: 'people', primaryKey: 'id' },
      writings: { path: '/posts', table: 'writings', primaryKey: 'id' },
      replies: { path: '/posts/{writings.id}/comments', table: 'replies', primaryKey: 'id' },
    });
    const outcomes = await syncResources({ config: keyed, store });
    expect(outcomes.map((outcome) => outcome.error)).toEqual([undefined, undefined, undefined]);
    expect((await types('people')).id).toBe('bigint');
    expect((await types('writings')).id).toBe('bigint');
    // The column recording the parent takes the parent key's type.
    expect(await types('replies')).toMatchObject({ id: 'bigint', writings_id: 'bigint', post_id: 'bigint' });
    const ids = (await tableRows(store, 'writings')).map((row) => row.id);
    expect(ids.slice(0, 11)).toEqual([1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n, 10n, 11n]);
    // bigint = bigint: PostgreSQL refused `bigint = text` when keys were text.
    const joined = await collect((await store.query('SELECT COUNT(*) AS n FROM writings w JOIN people p ON w.user_id = p.id')).rows);
    expect(Number(joined[0]?.n)).toBe(dataset.posts.length);
  });

  it('infers from every record of the first batch: 1 and 69764.28 make a decimal column', async () => {
    const api = await rawApi(['[{"id": "tether", "price": 1}, {"id": "bitcoin", "price": 69764.28}]']);
    const outcome = await sync(config(api.url, { prices: rawPagesResource({ primaryKey: 'id' }) }));
    expect(outcome.error).toBeUndefined();
    expect(await types('prices')).toEqual({ id: 'text', price: 'decimal' });
    expect((await tableRows(store, 'prices')).map((row) => row.price)).toEqual(['69764.28', '1']);
  });

  it('widens an inferred integer column to decimal mid-run, in place, digits exact, and says so', async () => {
    const api = await rawApi([
      '[{"id": 1, "current_price": 5}, {"id": 2, "current_price": 9007199254740993}]',
      `[{"id": 3, "current_price": ${TEN_30}}, {"id": 4, "current_price": 0.000000000000000000000000000001}]`,
    ]);
    const events: SyncEvent[] = [];
    const outcome = await sync(config(api.url, { coins: rawPagesResource({ primaryKey: 'id' }) }), events);
    expect(outcome.error).toBeUndefined();
    expect(await types('coins')).toEqual({ id: 'bigint', current_price: 'decimal' });
    expect((await tableRows(store, 'coins')).map((row) => row.current_price)).toEqual([
      '5',
      '9007199254740993',
      TEN_30,
      '0.000000000000000000000000000001',
    ]);
    expect(events).toContainEqual({
      type: 'widened',
      resource: 'api.coins',
      table: 'coins',
      column: 'current_price',
      from: 'bigint',
      to: 'decimal',
    });
    expect(outcome.run.widened).toEqual([{ table: 'coins', column: 'current_price', from: 'bigint', to: 'decimal' }]);
    expect((await store.runs.get(outcome.run.id))?.widened).toEqual(outcome.run.widened);
  });

  it('widens across runs and keeps the wider type, in merge and in replace', async () => {
    for (const write of ['merge', 'replace'] as const) {
      const table = `amounts_${write}`;
      const api = await rawApi(['[{"id": 1, "amount": 7}, {"id": 2, "amount": -12}]']);
      const configured = config(api.url, { [table]: rawPagesResource({ primaryKey: 'id', write }) });
      expect((await sync(configured)).error).toBeUndefined();
      expect((await types(table)).amount).toBe('bigint');

      api.pages[0] = `[{"id": 1, "amount": 7}, {"id": 2, "amount": -12}, {"id": 3, "amount": ${TEN_30}.5}]`;
      const events: SyncEvent[] = [];
      const second = await sync(configured, events);
      expect(second.error).toBeUndefined();
      expect(events.filter((event) => event.type === 'widened')).toHaveLength(1);
      expect((await types(table)).amount).toBe('decimal');
      expect((await tableRows(store, table)).map((row) => row.amount)).toEqual(['7', '-12', `${TEN_30}.5`]);

      api.pages[0] = '[{"id": 4, "amount": 8}]';
      const later: SyncEvent[] = [];
      expect((await sync(configured, later)).error).toBeUndefined();
      expect(later.filter((event) => event.type === 'widened')).toEqual([]);
      expect((await types(table)).amount).toBe('decimal');
    }
  });

  it('a declared column never changes: a value that does not fit it is a CoercionError', async () => {
    const api = await rawApi([`[{"id": 1, "supply": 5}]`, `[{"id": 2, "supply": ${TEN_30}}]`]);
    const outcome = await sync(config(api.url, { supplies: rawPagesResource({ primaryKey: 'id', columns: { supply: 'bigint' } }) }));
    expect(outcome.error).toBeInstanceOf(CoercionError);
    expect(outcome.error?.message).toContain('supplies.supply (bigint)');
    expect((await types('supplies')).supply).toBe('bigint');
  });

  it('infer keeps numbers numbers (an error naming the way out); evolve widens the column to text', async () => {
    const pages = [
      '[{"id": 1, "code": 5, "flag": true, "note": "a"}, {"id": 2, "code": 77, "flag": false, "note": "b"}]',
      '[{"id": 3, "code": "A5", "flag": "maybe", "note": {"x": 1}}]',
    ];
    const strict = await sync(config((await rawApi(pages)).url, { codes: rawPagesResource({ primaryKey: 'id' }) }));
    expect(strict.error).toBeInstanceOf(SchemaError);
    expect(strict.error?.message).toContain('"code"');
    expect(strict.error?.message).toContain('undeclared: evolve');
    expect((await types('codes')).code).toBe('bigint');

    const events: SyncEvent[] = [];
    const evolving = await sync(
      config((await rawApi(pages)).url, { codes2: rawPagesResource({ primaryKey: 'id', undeclared: 'evolve' }) }),
      events,
    );
    expect(evolving.error).toBeUndefined();
    expect(await types('codes2')).toEqual({ id: 'bigint', code: 'text', flag: 'text', note: 'json' });
    const rows = await tableRows(store, 'codes2');
    expect(rows.map((row) => row.code)).toEqual(['5', '77', 'A5']);
    expect(rows.map((row) => row.flag)).toEqual(['true', 'false', 'maybe']);
    expect(rows.map((row) => row.note)).toEqual(['a', 'b', { x: 1 }]);
    expect(
      events
        .filter((event) => event.type === 'widened')
        .map((event) => event.type === 'widened' && `${event.column} ${event.from} → ${event.to}`),
    ).toEqual(['code bigint → text', 'flag boolean → text', 'note text → json']);
  });

  it('picks nested values with path; objects and arrays not picked stay json', async () => {
    const api = await rawApi(['[{"id": 1, "user": {"login": "ann", "id": 7}, "labels": ["bug", "ui"], "meta": {"score": 1.50}}]']);
    const outcome = await sync(
      config(api.url, {
        issues: rawPagesResource({ primaryKey: 'id', columns: { author: { path: 'user.login', type: 'text' } } }),
      }),
    );
    expect(outcome.error).toBeUndefined();
    expect(await types('issues')).toMatchObject({ author: 'text', user: 'json', labels: 'json', meta: 'json' });
    const [row] = await tableRows(store, 'issues');
    expect(row).toMatchObject({ id: 1n, author: 'ann', user: { login: 'ann', id: 7 }, labels: ['bug', 'ui'] });
  });

  it('undeclared: freeze fails a run that brings a new field, naming it', async () => {
    const api = await rawApi(['[{"id": 1, "name": "a"}]']);
    const frozen = config(api.url, { frozen: rawPagesResource({ primaryKey: 'id', undeclared: 'freeze' }) });
    expect((await sync(frozen)).error).toBeUndefined();
    api.pages[0] = '[{"id": 2, "name": "b", "color": "red"}]';
    const second = await sync(frozen);
    expect(second.error).toBeInstanceOf(SchemaError);
    expect(second.error?.message).toContain('"color"');
    expect(second.error?.message).toContain('freeze');
    expect(await types('frozen')).toEqual({ id: 'bigint', name: 'text' });
    expect(await tableRows(store, 'frozen')).toHaveLength(1);
  });

  it('fields that meet in one column after snake_case fail the run naming both', async () => {
    const camel = await sync(
      config((await rawApi(['[{"id": 1, "userId": 5, "user_id": 6}]'])).url, { clash: rawPagesResource({ primaryKey: 'id' }) }),
    );
    expect(camel.error).toBeInstanceOf(SchemaError);
    expect(camel.error?.message).toMatch(/"userId".*"user_id"|"user_id".*"userId"/);

    const key = await sync(config((await rawApi(['[{"id": 1, "ID": 2}]'])).url, { clash_key: rawPagesResource({ primaryKey: 'id' }) }));
    expect(key.error).toBeInstanceOf(SchemaError);
    expect(key.error?.message).toMatch(/"ID".*"id"|"id".*"ID"/);
  });

  it('siphon run prints the widening, and the table keeps it', async () => {
    const api = await rawApi(['[{"id": 1, "current_price": 3}]']);
    const file = join(db.dir, 'widen.yaml');
    writeFileSync(
      file,
      [
        `database: ${db.url}`,
        'sources:',
        '  api:',
        `    baseUrl: ${api.url}`,
        '    resources:',
        '      ticks: { path: /items, paginator: { type: pageNumber, pageParam: page }, primaryKey: id }',
        '',
      ].join('\n'),
    );
    const first = await runCli(['run', '--config', file]);
    expect(first.code, first.stderr).toBe(0);
    api.pages[0] = '[{"id": 1, "current_price": 3.25}]';
    const second = await runCli(['run', '--config', file], { env: { SIPHON_LOG_FORMAT: 'pretty' } });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain('api.ticks: widened current_price bigint → decimal');
    expect((await tableRows(store, 'ticks')).map((row) => row.current_price)).toEqual(['3.25']);
  });
});
