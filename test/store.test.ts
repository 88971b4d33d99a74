import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { CoercionError, ConfigError, LosslessNumber, parseJson, SchemaError } from 'siphon-sync';
import { type ColumnType, openStore, type Row, type Store, type TableDef } from 'siphon-sync/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDatabaseUrl } from '../src/store/database-url.js';
import { coerceValue, validateIdentifier } from '../src/store/index.js';
// The PostgreSQL the test setup found or started (test/setup/services.ts).
import { POSTGRES_URL as POSTGRES_BASE } from './helpers/databases.js';

// ─── Databases ────────────────────────────────────────────────────────────

interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

function sqliteDatabase(): TestDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'siphon-store-'));
  return { url: `sqlite:${join(dir, 'store.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

let databaseCount = 0;

function postgresDatabase(): TestDatabase {
  databaseCount += 1;
  const schema = `siphon_store_${process.pid}_${Date.now().toString(36)}_${databaseCount}`;
  return {
    url: `${POSTGRES_BASE}?schema=${schema}`,
    drop: async () => {
      const client = new pg.Client({ connectionString: POSTGRES_BASE });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

function runNode(args: string[]): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    execFile(process.execPath, args, { cwd: new URL('..', import.meta.url).pathname, timeout: 80_000 }, (error, _stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolvePromise(),
    );
  });
}

// ─── Helpers ──────────────────────────────────────────────────────────────

const t = {
  text: { kind: 'text' },
  integer: { kind: 'integer' },
  bigint: { kind: 'bigint' },
  float: { kind: 'float' },
  boolean: { kind: 'boolean' },
  timestamp: { kind: 'timestamp' },
  json: { kind: 'json' },
  decimal: (precision: number, scale: number): ColumnType => ({ kind: 'decimal', precision, scale }),
} as const;

function table(name: string, columns: Record<string, ColumnType>, primaryKey: string[] = []): TableDef {
  return { name, columns: Object.entries(columns).map(([column, type]) => ({ name: column, type })), primaryKey };
}

async function rowsOf(store: Store, name: string, columns?: string[]): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const row of (await store.readTable(name, { columns })).rows) rows.push(row);
  return rows;
}

async function scalar(store: Store, sql: string): Promise<number> {
  for await (const row of (await store.query(sql)).rows) return Number(Object.values(row)[0]);
  throw new Error('no row');
}

/** A run with one batch committed, for tests that only need somewhere to write. */
async function write(store: Store, def: TableDef, mode: 'append' | 'merge' | 'replace', rows: Row[], runId?: number): Promise<number> {
  const id = runId ?? (await store.runs.start({ resource: `test.${def.name}`, trigger: 'manual' })).id;
  await store.writeBatch({
    runId: id,
    table: def,
    mode,
    rows,
    checkpoint: { n: rows.length },
    pages: 1,
    records: rows.length,
    retries: 0,
    waitedMs: 0,
  });
  return id;
}

async function replaceAll(store: Store, def: TableDef, rows: Row[]): Promise<void> {
  await store.ensureTable(def);
  await store.prepareReplace(def, true);
  const runId = await write(store, def, 'replace', rows);
  await store.runs.complete({ runId, table: def, mode: 'replace' });
}

// ─── Values every dialect must read back identically ─────────────────────

const ALL_TYPES = table(
  'all_types',
  {
    id: t.integer,
    name: t.text,
    big: t.bigint,
    price: t.decimal(20, 2),
    precise: t.decimal(38, 18),
    loose: t.decimal(0, 0),
    ratio: t.float,
    active: t.boolean,
    at: t.timestamp,
    doc: t.json,
  },
  ['id'],
);

/** Quotes, backslashes, braces, commas, NULL and non-ASCII: what array and JSON literals must escape. */
const TRICKY_TEXT = 'NULL, "quoted" \\ {braces} \n tab\t – ünï 😀';

const RAW_ROWS: Row[] = [
  {
    id: 1,
    name: 'plain',
    big: 9007199254740993n, // 2^53 + 1
    price: 12.3,
    precise: new LosslessNumber('12345678901234567890.123456789012345678'),
    loose: '1.50',
    ratio: 0.1,
    active: true,
    at: '2024-03-14T07:03:24.358Z',
    doc: { a: 1, nested: [true, null, 'x'] },
  },
  {
    id: 2,
    name: 42,
    big: '9223372036854775807',
    price: '-0.045',
    precise: '1.5e-7',
    loose: 1e21,
    ratio: -2.5e-300,
    active: 'no',
    at: '2024-03-14T09:03:24.123456+02:00',
    doc: parseJson('{"cap":12345678901234567890,"price":0.1234567890123456789}'),
  },
  {
    id: 3,
    name: { k: [1, 2] },
    big: -9223372036854775808n,
    price: new LosslessNumber('999999999999999999.994'),
    precise: 0,
    loose: '-0.000',
    ratio: 3,
    active: 1,
    at: '2024-02-29',
    doc: 'just a string',
  },
  { id: 4, name: null, big: undefined, price: null, precise: null, loose: null, ratio: null, active: null, at: null, doc: null },
  {
    id: 5,
    name: TRICKY_TEXT,
    big: 0,
    price: 0,
    precise: '-0',
    loose: '-1e-3',
    ratio: 0,
    active: 'TRUE',
    at: 0,
    doc: { s: TRICKY_TEXT, '': [] },
  },
];

const EXPECTED_ROWS: Row[] = [
  {
    id: 1,
    name: 'plain',
    big: 9007199254740993n,
    price: '12.30',
    precise: '12345678901234567890.123456789012345678',
    loose: '1.50',
    ratio: 0.1,
    active: true,
    at: '2024-03-14T07:03:24.358Z',
    doc: { a: 1, nested: [true, null, 'x'] },
  },
  {
    id: 2,
    name: '42',
    big: 9223372036854775807n,
    price: '-0.05',
    precise: '0.000000150000000000',
    loose: '1000000000000000000000',
    ratio: -2.5e-300,
    active: false,
    at: '2024-03-14T07:03:24.123456Z',
    doc: { cap: 12345678901234567890n, price: new LosslessNumber('0.1234567890123456789') },
  },
  {
    id: 3,
    name: '{"k":[1,2]}',
    big: -9223372036854775808n,
    price: '999999999999999999.99',
    precise: '0.000000000000000000',
    loose: '0.000',
    ratio: 3,
    active: true,
    at: '2024-02-29T00:00:00.000Z',
    doc: 'just a string',
  },
  { id: 4, name: null, big: null, price: null, precise: null, loose: null, ratio: null, active: null, at: null, doc: null },
  {
    id: 5,
    name: TRICKY_TEXT,
    big: 0n,
    price: '0.00',
    precise: '0.000000000000000000',
    loose: '-0.001',
    ratio: 0,
    active: true,
    at: '1970-01-01T00:00:00.000Z',
    doc: { s: TRICKY_TEXT, '': [] },
  },
];

// ─── The suite, once per dialect ──────────────────────────────────────────

describe.each([
  ['sqlite', sqliteDatabase],
  ['postgres', postgresDatabase],
] as const)('store on %s', (dialect, createDatabase) => {
  let database: TestDatabase;
  let store: Store;

  beforeAll(async () => {
    database = createDatabase();
    store = await openStore(database.url);
    await store.init();
    await store.init(); // idempotent
  });

  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  it("reports its dialect, leaving pg's global type parsers alone", () => {
    expect(store.dialect).toBe(dialect);
    expect(pg.types.getTypeParser(20)('5')).toBe('5');
    expect(pg.types.getTypeParser(1184)('2024-01-01 00:00:00+00')).toBeInstanceOf(Date);
  });

  describe('values', () => {
    it('round-trips every column type, normalized the same in every dialect', async () => {
      await store.ensureTable(ALL_TYPES);
      await write(store, ALL_TYPES, 'merge', RAW_ROWS);
      expect(await rowsOf(store, 'all_types')).toEqual(EXPECTED_ROWS);
      const types = (await store.tableColumns('all_types')).map((column) => column.type);
      expect(types).toEqual(ALL_TYPES.columns.map((column) => column.type));
    });

    it('keeps exactness through query() too', async () => {
      const result = await store.query('SELECT big, price, doc FROM all_types WHERE id = 2;');
      expect(result.columns).toEqual(['big', 'price', 'doc']);
      const rows: Row[] = [];
      for await (const row of result.rows) rows.push(row);
      expect(rows).toEqual([{ big: 9223372036854775807n, price: '-0.05', doc: EXPECTED_ROWS[1]!.doc }]);
    });

    it('refuses an int64 overflow and a decimal precision overflow with a CoercionError', async () => {
      const def = table('overflow', { id: t.integer, big: t.bigint, price: t.decimal(20, 2) }, ['id']);
      await store.ensureTable(def);
      await expect(write(store, def, 'merge', [{ id: 1, big: '9223372036854775808' }])).rejects.toThrow(CoercionError);
      await expect(write(store, def, 'merge', [{ id: 1, big: new LosslessNumber('-9223372036854775809') }])).rejects.toThrow(
        /out of range/,
      );
      await expect(write(store, def, 'merge', [{ id: 1, price: '999999999999999999.995' }])).rejects.toThrow(
        /needs 19 integer digits, decimal\(20,2\) allows 18/,
      );
      await expect(write(store, def, 'merge', [{ id: 2147483648 }])).rejects.toThrow(/out of range for integer/);
      expect(await rowsOf(store, 'overflow')).toEqual([]);
    });
  });

  describe('write modes', () => {
    const def = table('modes', { id: t.integer, label: t.text, price: t.decimal(10, 2) }, ['id']);
    const unkeyed = table('events', { at: t.timestamp, kind: t.text });

    it('append inserts: twice is doubled, in insertion order', async () => {
      await store.ensureTable(unkeyed);
      const rows = [
        { at: '2024-01-02T00:00:00Z', kind: 'b' },
        { at: '2024-01-01T00:00:00Z', kind: 'a' },
      ];
      await write(store, unkeyed, 'append', rows);
      await write(store, unkeyed, 'append', rows);
      expect((await rowsOf(store, 'events')).map((row) => row.kind)).toEqual(['b', 'a', 'b', 'a']);
    });

    it('merge upserts by key, the last row of a batch winning', async () => {
      await store.ensureTable(def);
      await write(store, def, 'merge', [
        { id: 1, label: 'one', price: 1 },
        { id: 2, label: 'two', price: 2 },
      ]);
      await write(store, def, 'merge', [
        { id: 2, label: 'two (first)', price: 20 },
        { id: 3, label: 'three', price: 3 },
        { id: 2, label: 'two (last)', price: 22.5 },
      ]);
      expect(await rowsOf(store, 'modes')).toEqual([
        { id: 1, label: 'one', price: '1.00' },
        { id: 2, label: 'two (last)', price: '22.50' },
        { id: 3, label: 'three', price: '3.00' },
      ]);
    });

    it('merge without a primary key is a ConfigError', async () => {
      await expect(write(store, unkeyed, 'merge', [{ kind: 'x' }])).rejects.toThrow(ConfigError);
    });

    it('replace leaves only the new rows once the run completes', async () => {
      await store.prepareReplace(def, true);
      const runId = await write(store, def, 'replace', [{ id: 7, label: 'seven', price: '7' }]);
      expect(await rowsOf(store, 'modes')).toHaveLength(3); // untouched until completion
      await store.runs.complete({ runId, table: def, mode: 'replace' });
      expect(await rowsOf(store, 'modes')).toEqual([{ id: 7, label: 'seven', price: '7.00' }]);
      expect(await store.hasTable('_siphon_stage_modes')).toBe(false);
    });

    it('replace is atomic for a concurrent reader on another connection', async () => {
      const swap = table('swap', { id: t.integer, gen: t.integer, payload: t.text }, ['id']);
      const generation = (gen: number, from: number): Row[] =>
        Array.from({ length: 20_000 }, (_, i) => ({ id: from + i, gen, payload: `row ${from + i} of generation ${gen}` }));
      await replaceAll(store, swap, generation(1, 1));

      await store.prepareReplace(swap, true);
      const runId = await write(store, swap, 'replace', generation(2, 100_000));
      const reader = await openStore(database.url, { readOnly: true });
      const seen = new Set<string>();
      const observe = async (): Promise<void> => {
        for await (const row of (await reader.query('SELECT count(*) AS n, sum(gen) AS g FROM swap')).rows) {
          seen.add(`${Number(row.n)}/${Number(row.g)}`);
        }
      };
      // No timers in this loop: SQLite answers synchronously, so a timer
      // would never fire; the reader and the commit interleave on promises.
      let stop = false;
      let during = 0;
      try {
        await observe();
        const readLoop = (async () => {
          while (!stop) {
            await observe();
            during += 1;
          }
        })();
        try {
          await store.runs.complete({ runId, table: swap, mode: 'replace' });
        } finally {
          stop = true;
          await readLoop;
        }
        await observe();
      } finally {
        await reader.close();
      }
      expect(during).toBeGreaterThan(0);
      expect([...seen].sort()).toEqual(['20000/20000', '20000/40000']);
    });

    it('a failed replace keeps the old rows, and a resumed one continues from staging', async () => {
      const def2 = table('resumable', { id: t.integer, v: t.text }, ['id']);
      await replaceAll(store, def2, [{ id: 1, v: 'old' }]);

      const run = await store.runs.start({ resource: 'test.resumable', trigger: 'manual' });
      await store.prepareReplace(def2, true);
      await write(store, def2, 'replace', [{ id: 10, v: 'new a' }], run.id);
      await store.runs.fail(run.id, 'connection reset');
      expect(await rowsOf(store, 'resumable')).toEqual([{ id: 1, v: 'old' }]);

      const resumable = await store.runs.findResumable('test.resumable');
      expect(resumable?.id).toBe(run.id);
      await store.runs.resume(run.id, 'retry');
      await store.prepareReplace(def2, false);
      await write(store, def2, 'replace', [{ id: 11, v: 'new b' }], run.id);
      await store.runs.complete({ runId: run.id, table: def2, mode: 'replace' });
      expect(await rowsOf(store, 'resumable')).toEqual([
        { id: 10, v: 'new a' },
        { id: 11, v: 'new b' },
      ]);
    });

    it('a batch with one bad value writes nothing and keeps the checkpoint', async () => {
      const run = await store.runs.start({ resource: 'test.atomic', trigger: 'manual' });
      const batch = { runId: run.id, table: def, mode: 'merge' as const, pages: 1, retries: 1, waitedMs: 5 };
      await store.writeBatch({ ...batch, rows: [{ id: 100, label: 'ok', price: 1 }], checkpoint: { page: 1 }, records: 1 });
      const bad = store.writeBatch({
        ...batch,
        rows: [
          { id: 101, label: 'fine', price: 1 },
          { id: 102, label: 'bad', price: 'twelve' },
        ],
        checkpoint: { page: 2 },
        records: 2,
      });
      await expect(bad).rejects.toThrow(CoercionError);
      await expect(bad).rejects.toMatchObject({ table: 'modes', column: 'price', type: 'decimal(10,2)', value: '"twelve"' });
      // A failure inside the transaction (a duplicate key on append) rolls back as well.
      await expect(
        store.writeBatch({
          ...batch,
          mode: 'append',
          rows: [
            { id: 103, label: 'x' },
            { id: 100, label: 'dup' },
          ],
          checkpoint: { page: 3 },
          records: 2,
        }),
      ).rejects.toThrow();
      expect((await rowsOf(store, 'modes')).map((row) => row.id)).toEqual([7, 100]);
      expect(await store.runs.get(run.id)).toMatchObject({ checkpoint: { page: 1 }, pages: 1, records: 1, retries: 1, waitedMs: 5 });
    });
  });

  describe('schema', () => {
    it('adds a declared column to an existing table (old rows NULL)', async () => {
      const v1 = table('migrating', { id: t.bigint, a: t.text }, ['id']);
      const v2 = table('migrating', { id: t.bigint, a: t.text, b: t.decimal(10, 3), c: t.json }, ['id']);
      await store.ensureTable(v1);
      await write(store, v1, 'merge', [{ id: 1, a: 'x' }]);
      await store.ensureTable(v2);
      await write(store, v2, 'merge', [{ id: 2, a: 'y', b: '1.5', c: [1] }]);
      expect(await rowsOf(store, 'migrating')).toEqual([
        { id: 1n, a: 'x', b: null, c: null },
        { id: 2n, a: 'y', b: '1.500', c: [1] },
      ]);
      // Undeclared columns stay: declaring fewer is not a migration.
      await store.ensureTable(v1);
      expect((await store.tableColumns('migrating')).map((column) => column.name)).toEqual(['id', 'a', 'b', 'c']);
    });

    it('refuses a retyped column or a changed key with a SchemaError', async () => {
      const retyped = table('migrating', { id: t.bigint, a: t.integer }, ['id']);
      await expect(store.ensureTable(retyped)).rejects.toThrow(SchemaError);
      await expect(store.ensureTable(retyped)).rejects.toThrow(/column a is text .* but declared integer/);
      await expect(store.ensureTable(table('migrating', { id: t.bigint, a: t.text }, ['id', 'a']))).rejects.toThrow(
        /primary key is \(id\) in the database but declared \(a, id\)/,
      );
    });

    it('refuses invalid identifiers with a ConfigError naming them', async () => {
      const bad = [
        table('bad-name', { id: t.integer }),
        table('1abc', { id: t.integer }),
        table('x'.repeat(49), { id: t.integer }),
        table('_siphon_runs', { id: t.integer }),
        table('ok', { 'drop table': t.integer }),
        table('ok', { rowid: t.integer }),
        table('ok', { Name: t.text, name: t.text }),
        table('ok', { id: t.integer }, ['missing']),
      ];
      for (const def of bad) await expect(store.ensureTable(def)).rejects.toThrow(ConfigError);
      await expect(store.ensureTable(table('bad-name', { id: t.integer }))).rejects.toThrow(/"bad-name"/);
      expect(await store.hasTable('ok')).toBe(false);
    });
  });

  describe('several processes', () => {
    // Four processes each load the TypeScript sources through tsx: seconds apiece, tens of seconds on a loaded machine.
    it('can all init, ensure the same table and write to a fresh database at once', async () => {
      const fresh = createDatabase();
      const storeModule = new URL('../src/store/index.ts', import.meta.url).pathname;
      const script = `
        const { openStore } = await import(${JSON.stringify(storeModule)});
        const store = await openStore(process.argv[1]);
        try {
          await store.init();
          const def = { name: 'shared', columns: [{ name: 'who', type: { kind: 'text' } }, { name: 'n', type: { kind: 'integer' } }], primaryKey: [] };
          await store.ensureTable(def);
          const run = await store.runs.start({ resource: 'test.shared', trigger: 'manual', worker: process.argv[2] });
          const rows = Array.from({ length: 500 }, (_, n) => ({ who: process.argv[2], n }));
          await store.writeBatch({ runId: run.id, table: def, mode: 'append', rows, checkpoint: { done: true }, pages: 1, records: 500, retries: 0, waitedMs: 0 });
          await store.runs.complete({ runId: run.id, table: def, mode: 'append' });
        } finally {
          await store.close();
        }`;
      try {
        await Promise.all(
          ['w1', 'w2', 'w3', 'w4'].map((worker) => runNode(['--import', 'tsx', '--input-type=module', '-e', script, fresh.url, worker])),
        );
        const check = await openStore(fresh.url);
        try {
          expect(await scalar(check, 'SELECT count(*) FROM shared')).toBe(2000);
          expect(await scalar(check, 'SELECT count(DISTINCT who) FROM shared')).toBe(4);
          expect((await check.runs.list({ resource: 'test.shared' })).map((run) => run.status)).toEqual(Array(4).fill('succeeded'));
        } finally {
          await check.close();
        }
      } finally {
        await fresh.drop();
      }
    }, 90_000);
  });

  describe('runs', () => {
    it('records a run from start to resume to success', async () => {
      const resource = 'api.coins';
      const run = await store.runs.start({ resource, trigger: 'schedule', worker: 'host:1' });
      expect(run).toMatchObject({
        resource,
        trigger: 'schedule',
        status: 'running',
        attempt: 1,
        pages: 0,
        records: 0,
        checkpoint: null,
        worker: 'host:1',
      });
      expect(run.startedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(await store.runs.findResumable(resource)).toBeUndefined(); // no checkpoint yet

      const def = table('coins_runs', { id: t.text }, ['id']);
      await store.ensureTable(def);
      const batch = { runId: run.id, table: def, mode: 'merge' as const, pages: 2, retries: 1, waitedMs: 100 };
      await store.writeBatch({ ...batch, rows: [{ id: 'a' }], records: 1, checkpoint: { page: 3, big: 12345678901234567890n } as never });
      await store.writeBatch({ ...batch, rows: [{ id: 'b' }], records: 1, checkpoint: { page: 5 } });

      const failed = await store.runs.fail(run.id, 'HTTP 500');
      expect(failed).toMatchObject({
        status: 'failed',
        error: 'HTTP 500',
        pages: 4,
        records: 2,
        retries: 2,
        waitedMs: 200,
        checkpoint: { page: 5 },
      });
      expect(failed.finishedAt).not.toBeNull();

      const skipped = await store.runs.skip(resource, 'schedule', 'previous run still going');
      expect(skipped).toMatchObject({ status: 'skipped', error: 'previous run still going' });
      expect((await store.runs.findResumable(resource))?.id).toBe(run.id);

      const resumed = await store.runs.resume(run.id, 'retry', 'host:2');
      expect(resumed).toMatchObject({
        status: 'running',
        attempt: 2,
        trigger: 'retry',
        error: null,
        finishedAt: null,
        worker: 'host:2',
        checkpoint: { page: 5 },
      });
      await store.runs.heartbeat(run.id);

      const done = await store.runs.complete({ runId: run.id, table: def, mode: 'merge', highWaterMark: '2024-03-14T00:00:00Z' });
      expect(done).toMatchObject({ status: 'succeeded', attempt: 2 });
      expect(await store.runs.findResumable(resource)).toBeUndefined();
      expect(await store.runs.state(resource)).toEqual({
        resource,
        highWaterMark: '2024-03-14T00:00:00Z',
        lastRunId: run.id,
        lastSuccessAt: done.finishedAt,
      });
      // A later success without a mark leaves the mark alone.
      const next = await store.runs.start({ resource, trigger: 'manual' });
      await store.runs.complete({ runId: next.id, table: def, mode: 'merge' });
      expect(await store.runs.state(resource)).toMatchObject({ highWaterMark: '2024-03-14T00:00:00Z', lastRunId: next.id });

      const history = await store.runs.list({ resource });
      expect(history.map((entry) => entry.id)).toEqual([next.id, skipped.id, run.id]);
      expect(await store.runs.list({ resource, limit: 1 })).toHaveLength(1);
      expect((await store.runs.list()).length).toBeGreaterThan(3);
      expect(await store.runs.get(run.id)).toEqual({ ...done });
      expect(await store.runs.get(999_999)).toBeUndefined();
      expect(await store.runs.state('api.unknown')).toBeUndefined();
      await expect(store.runs.fail(999_999, 'x')).rejects.toThrow(/no run with id 999999/);
    });

    it('gives a lease to one owner at a time, and to another once it expires', async () => {
      expect(await store.leases.acquire('lease.a', 'alice', 60_000)).toBe(true);
      expect(await store.leases.acquire('lease.a', 'bob', 60_000)).toBe(false);
      expect(await store.leases.acquire('lease.a', 'alice', 60_000)).toBe(true); // already hers
      expect(await store.leases.renew('lease.a', 'bob', 60_000)).toBe(false);
      expect(await store.leases.renew('lease.a', 'alice', 60_000)).toBe(true);
      await store.leases.release('lease.a', 'bob'); // not his: no effect
      expect(await store.leases.acquire('lease.a', 'bob', 60_000)).toBe(false);
      await store.leases.release('lease.a', 'alice');
      expect(await store.leases.acquire('lease.a', 'bob', 60_000)).toBe(true);

      // Contending processes: exactly one wins, over and over.
      const other = await openStore(database.url);
      try {
        for (let round = 0; round < 5; round += 1) {
          const results = await Promise.all([
            store.leases.acquire(`lease.race${round}`, 'alice', 60_000),
            other.leases.acquire(`lease.race${round}`, 'bob', 60_000),
          ]);
          expect(results.filter(Boolean)).toHaveLength(1);
        }
        expect(await store.leases.acquire('lease.short', 'alice', 150)).toBe(true);
        expect(await other.leases.acquire('lease.short', 'bob', 150)).toBe(false);
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(await other.leases.acquire('lease.short', 'bob', 60_000)).toBe(true);
        expect(await store.leases.renew('lease.short', 'alice', 60_000)).toBe(false);
      } finally {
        await other.close();
      }
    });
  });

  describe('reading', () => {
    it('streams a table in batches, in key order, with chosen columns', async () => {
      const result = await store.readTable('swap', { columns: ['gen', 'id'], batchSize: 999 });
      expect(result.columns).toEqual(['gen', 'id']);
      let count = 0;
      let previous = -1;
      for await (const row of result.rows) {
        expect(Object.keys(row)).toEqual(['gen', 'id']);
        expect(row.id as number).toBeGreaterThan(previous);
        previous = row.id as number;
        count += 1;
      }
      expect(count).toBe(20_000);
      await expect(store.readTable('swap', { columns: ['nope'] })).rejects.toThrow(SchemaError);
      await expect(store.readTable('no_such_table')).rejects.toThrow(/no_such_table: does not exist/);
    });

    it('releases a stream the reader stops early', async () => {
      // More early stops than the pool has connections: a leak would hang here.
      for (let round = 0; round < 15; round += 1) {
        for await (const row of (await store.readTable('swap', { batchSize: 10 })).rows) {
          expect(row.gen).toBe(2);
          break;
        }
      }
      expect(await scalar(store, 'SELECT count(*) FROM swap')).toBe(20_000);
    });

    it('closes with streams still open, read halfway or not at all', async () => {
      const other = await openStore(database.url);
      const halfway = (await other.readTable('swap', { batchSize: 10 })).rows[Symbol.asyncIterator]();
      expect((await halfway.next()).done).toBe(false);
      await other.readTable('swap'); // never read
      await other.query('SELECT * FROM modes'); // never read
      await other.close();
    });

    it('opens read-only: reads work, writes fail in the database', async () => {
      const reader = await openStore(database.url, { readOnly: true });
      try {
        await reader.init(); // nothing to do, and no error
        expect(await reader.hasTable('modes')).toBe(true);
        expect((await rowsOf(reader, 'modes')).length).toBeGreaterThan(0);
        expect(await reader.runs.get(1)).toBeDefined();
        await expect(reader.ensureTable(table('read_only_attempt', { id: t.integer }))).rejects.toThrow(/read-?only/i);
        await expect(reader.runs.start({ resource: 'x', trigger: 'manual' })).rejects.toThrow(/read-?only/i);
      } finally {
        await reader.close();
      }
      expect(await store.hasTable('read_only_attempt')).toBe(false);
    });
  });

  describe('query()', () => {
    it('streams the rows of a read-only query', async () => {
      const result = await store.query('SELECT id, label FROM modes ORDER BY id');
      expect(result.columns).toEqual(['id', 'label']);
      const rows: Row[] = [];
      for await (const row of result.rows) rows.push(row);
      expect(rows).toEqual([
        { id: 7, label: 'seven' },
        { id: 100, label: 'ok' },
      ]);
    });

    it('refuses anything that writes', async () => {
      for (const statement of [
        'DELETE FROM modes',
        'INSERT INTO modes (id) VALUES (999)',
        'CREATE TABLE sneaky (a integer)',
        'DROP TABLE modes',
      ]) {
        await expect(store.query(statement), statement).rejects.toThrow(ConfigError);
      }
      await expect(store.query('SELECT 1; DELETE FROM modes')).rejects.toThrow();
      expect(await scalar(store, 'SELECT count(*) FROM modes')).toBe(2);
      expect(await store.hasTable('sneaky')).toBe(false);
    });
  });
});

// ─── Dialect-free pieces ──────────────────────────────────────────────────

describe('coerceValue', () => {
  const where = { table: 'coins', column: 'c' };
  const coerce = (value: unknown, type: ColumnType): unknown => coerceValue(value, type, where);

  it('refuses a fraction in an integer column rather than round it away; integer-valued forms are exact', () => {
    expect(() => coerce(new LosslessNumber('1511484596139203.5'), t.bigint)).toThrow(/has a fraction \(1511484596139203\.5\)/);
    expect(() => coerce(-2.5, t.bigint)).toThrow(CoercionError);
    expect(() => coerce('2.4999', t.integer)).toThrow(/declare the column decimal/);
    expect(() => coerce(new LosslessNumber('15735520951.7123'), t.bigint)).toThrow(CoercionError);
    expect(coerce('1e3', t.integer)).toBe(1000);
    expect(coerce('3.000', t.integer)).toBe(3);
    expect(coerce(new LosslessNumber('1.5e1'), t.bigint)).toBe(15n);
    expect(coerce(9007199254740993n, t.bigint)).toBe(9007199254740993n);
    expect(() => coerce('abc', t.bigint)).toThrow(CoercionError);
    expect(() => coerce(true, t.integer)).toThrow(/not a number/);
  });

  it('rounds decimals to scale and checks precision', () => {
    const d = t.decimal(10, 2);
    expect(coerce('0.125', d)).toBe('0.13');
    expect(coerce('-0.125', d)).toBe('-0.13');
    expect(coerce('-0.004', d)).toBe('0.00');
    expect(coerce(99999999.994, d)).toBe('99999999.99');
    expect(() => coerce(99999999.995, d)).toThrow(/needs 9 integer digits, decimal\(10,2\) allows 8/);
    expect(coerce('1.5e-7', t.decimal(20, 10))).toBe('0.0000001500');
    expect(coerce('+.5', t.decimal(3, 2))).toBe('0.50');
    expect(coerce('-1.50E+2', t.decimal(0, 0))).toBe('-150');
    expect(coerce('1.50e1', t.decimal(0, 0))).toBe('15.0');
    expect(coerce(0.1, t.decimal(0, 0))).toBe('0.1');
    expect(() => coerce('NaN', d)).toThrow(CoercionError);
    expect(() => coerce('1e5000', t.decimal(0, 0))).toThrow(CoercionError);
  });

  it('normalizes timestamps to UTC with millisecond or microsecond precision', () => {
    expect(coerce('2024-03-14T07:03:24Z', t.timestamp)).toBe('2024-03-14T07:03:24.000Z');
    expect(coerce('2024-03-14 07:03:24.5-0530', t.timestamp)).toBe('2024-03-14T12:33:24.500Z');
    expect(coerce('2024-03-14T07:03:24.1234567+00:00', t.timestamp)).toBe('2024-03-14T07:03:24.123457Z');
    expect(coerce('2024-03-14T23:30', t.timestamp)).toBe('2024-03-14T23:30:00.000Z');
    expect(coerce(1_700_000_000, t.timestamp)).toBe('2023-11-14T22:13:20.000Z');
    expect(coerce(1_700_000_000_123, t.timestamp)).toBe('2023-11-14T22:13:20.123Z');
    expect(coerce('1700000000.000001', t.timestamp)).toBe('2023-11-14T22:13:20.000001Z');
    expect(coerce('0099-01-01', t.timestamp)).toBe('0099-01-01T00:00:00.000Z');
    for (const bad of ['2023-02-29', '2024-13-01', 'yesterday', '', true]) expect(() => coerce(bad, t.timestamp)).toThrow(CoercionError);
  });

  it('accepts the usual spellings of booleans only', () => {
    for (const yes of [true, 1, '1', 'TRUE', ' yes ']) expect(coerce(yes, t.boolean)).toBe(true);
    for (const no of [false, 0, '0', 'False', 'NO']) expect(coerce(no, t.boolean)).toBe(false);
    expect(() => coerce(2, t.boolean)).toThrow(CoercionError);
    expect(() => coerce('maybe', t.boolean)).toThrow(/expected true\/false/);
  });

  it('writes json and text exactly', () => {
    expect(coerce(parseJson('{"n":12345678901234567890,"x":1.000000000000000000001}'), t.json)).toBe(
      '{"n":12345678901234567890,"x":1.000000000000000000001}',
    );
    expect(coerce(new LosslessNumber('0.10'), t.text)).toBe('0.10');
    expect(coerce(false, t.text)).toBe('false');
    expect(() => coerce(Number.NaN, t.float)).toThrow(/finite/);
  });

  it('says where a value failed to fit', () => {
    try {
      coerce('x'.repeat(200), t.float);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CoercionError);
      expect(error).toMatchObject({ table: 'coins', column: 'c', type: 'float' });
      expect((error as CoercionError).value.length).toBeLessThanOrEqual(60);
    }
  });
});

describe('validateIdentifier', () => {
  it('accepts SQL-safe names within the limits and refuses the rest', () => {
    expect(validateIdentifier('market_cap_24h', 'column')).toBe('market_cap_24h');
    expect(validateIdentifier('x'.repeat(48), 'table')).toHaveLength(48);
    expect(validateIdentifier('x'.repeat(63), 'column')).toHaveLength(63);
    expect(() => validateIdentifier('x'.repeat(64), 'column')).toThrow(/limit is 63/);
    expect(() => validateIdentifier('_siphon_state', 'table', 'sources.a.resources.b.table')).toThrow(
      /^sources\.a\.resources\.b\.table: table name "_siphon_state" is reserved/,
    );
    expect(() => validateIdentifier('a"b', 'column')).toThrow(ConfigError);
  });
});

describe('openStore', () => {
  it('refuses unknown URLs, listing the accepted forms without printing a password', async () => {
    for (const url of ['mysql://u:hunter2@db/x', 'postgres://u:hunter2@host:notaport/db', 'nonsense']) {
      const failure = openStore(url);
      await expect(failure).rejects.toThrow(ConfigError);
      await expect(failure).rejects.toThrow(/expected sqlite:\.\/path\.db/);
      await expect(failure).rejects.not.toThrow(/hunter2/);
    }
    await expect(openStore('postgres://u@127.0.0.1:5432/test?schema=bad-schema')).rejects.toThrow(/schema "bad-schema"/);
  });

  it('reads the accepted URL forms', () => {
    expect(parseDatabaseUrl('sqlite:./data/x.db')).toEqual({ kind: 'sqlite', path: resolve('data/x.db') });
    expect(parseDatabaseUrl('sqlite:/abs/x.db')).toEqual({ kind: 'sqlite', path: '/abs/x.db' });
    expect(parseDatabaseUrl('sqlite:///abs/x.db')).toEqual({ kind: 'sqlite', path: '/abs/x.db' });
    expect(parseDatabaseUrl('sqlite::memory:')).toEqual({ kind: 'sqlite', path: ':memory:' });
    expect(parseDatabaseUrl('postgresql://u:pw@db.example:5433/app?schema=sync&sslmode=require')).toEqual({
      kind: 'postgres',
      connectionString: 'postgresql://u:pw@db.example:5433/app?sslmode=require',
      displayUrl: 'postgresql://u:***@db.example:5433/app?schema=sync&sslmode=require',
      schema: 'sync',
      sessionOptions: undefined,
    });
  });

  it('does not create a missing directory for a SQLite file', async () => {
    await expect(openStore(`sqlite:${join(tmpdir(), 'siphon-no-such-dir', 'x', 'a.db')}`)).rejects.toThrow(/does not exist/);
  });

  it('opens an in-memory SQLite database', async () => {
    const store = await openStore('sqlite::memory:');
    try {
      await store.init();
      const def = table('m', { id: t.integer }, ['id']);
      await store.ensureTable(def);
      await write(store, def, 'merge', [{ id: 1 }, { id: 2 }]);
      expect(await rowsOf(store, 'm')).toEqual([{ id: 1 }, { id: 2 }]);
    } finally {
      await store.close();
      await store.close(); // twice is harmless
    }
  });
});
