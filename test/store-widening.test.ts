import Database from 'better-sqlite3';
import pg from 'pg';
import { SchemaError } from 'siphon-sync';
import { type ColumnType, type ColumnWidening, openStore, type Row, type Store, type TableDef } from 'siphon-sync/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableRows } from './helpers/async.js';
import { createTestDatabase, dialects, POSTGRES_URL, type TestDatabase } from './helpers/databases.js';

// The store side of inferred columns: a batch can carry the table changes it
// needs (new columns, wider types), made in its own transaction; every stored
// value converts exactly, and the run history keeps what was widened.
const TEN_30 = 10n ** 30n;
const t = {
  bigint: { kind: 'bigint' },
  decimal: { kind: 'decimal', precision: 0, scale: 0 },
  text: { kind: 'text' },
  json: { kind: 'json' },
  boolean: { kind: 'boolean' },
} as const satisfies Record<string, ColumnType>;

function def(name: string, columns: Record<string, ColumnType>): TableDef {
  return { name, columns: Object.entries(columns).map(([column, type]) => ({ name: column, type })), primaryKey: ['id'] };
}

describe.each(dialects)('widening columns in place (%s)', (dialect) => {
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

  async function batch(runId: number, table: TableDef, rows: Row[], widen?: ColumnWidening[], mode: 'merge' | 'replace' = 'merge') {
    await store.writeBatch({
      runId,
      table,
      mode,
      rows,
      checkpoint: { rows: rows.length },
      pages: 1,
      records: rows.length,
      retries: 0,
      waitedMs: 0,
      ...(widen ? { evolve: { widen } } : {}),
    });
  }

  it('widens bigint → decimal, boolean → text and text → json with the batch that needs it, values exact', async () => {
    const before = def('widen_me', { id: t.bigint, amount: t.bigint, flag: t.boolean, note: t.text });
    const run = await store.runs.start({ resource: 'test.widen_me', trigger: 'manual' });
    await store.ensureTable(before);
    await batch(run.id, before, [
      { id: 1, amount: 9223372036854775807n, flag: true, note: 'a "quoted" note' },
      { id: 2, amount: -5, flag: false, note: null },
    ]);
    const after = def('widen_me', { id: t.bigint, amount: t.decimal, flag: t.text, note: t.json, extra: t.text });
    const widen: ColumnWidening[] = [
      { table: 'widen_me', column: 'amount', from: t.bigint, to: t.decimal },
      { table: 'widen_me', column: 'flag', from: t.boolean, to: t.text },
      { table: 'widen_me', column: 'note', from: t.text, to: t.json },
    ];
    await batch(run.id, after, [{ id: 3, amount: TEN_30, flag: 'maybe', note: { x: [1, 2] }, extra: 'new' }], widen);

    const columns = Object.fromEntries((await store.tableColumns('widen_me')).map((column) => [column.name, column.type?.kind]));
    expect(columns).toEqual({ id: 'bigint', amount: 'decimal', flag: 'text', note: 'json', extra: 'text' });
    expect(await tableRows(store, 'widen_me')).toEqual([
      { id: 1n, amount: '9223372036854775807', flag: 'true', note: 'a "quoted" note', extra: null },
      { id: 2n, amount: '-5', flag: 'false', note: null, extra: null },
      { id: 3n, amount: String(TEN_30), flag: 'maybe', note: { x: [1, 2] }, extra: 'new' },
    ]);
    expect((await store.runs.get(run.id))?.widened).toEqual([
      { table: 'widen_me', column: 'amount', from: 'bigint', to: 'decimal' },
      { table: 'widen_me', column: 'flag', from: 'boolean', to: 'text' },
      { table: 'widen_me', column: 'note', from: 'text', to: 'json' },
    ]);
  });

  it('refuses a change that could lose values, and the batch writes nothing', async () => {
    const table = def('narrow_me', { id: t.bigint, amount: t.decimal });
    const run = await store.runs.start({ resource: 'test.narrow_me', trigger: 'manual' });
    await store.ensureTable(table);
    await batch(run.id, table, [{ id: 1, amount: '1.5' }]);
    const narrowed = def('narrow_me', { id: t.bigint, amount: t.bigint });
    const attempt = batch(
      run.id,
      narrowed,
      [{ id: 2, amount: 2 }],
      [{ table: 'narrow_me', column: 'amount', from: t.decimal, to: t.bigint }],
    );
    await expect(attempt).rejects.toThrow(SchemaError);
    await expect(attempt).rejects.toThrow('column amount is decimal; Siphon only widens an inferred column without loss');
    expect(await tableRows(store, 'narrow_me')).toEqual([{ id: 1n, amount: '1.5' }]);
    expect((await store.runs.get(run.id))?.records).toBe(1);
  });

  it('a replace widens its staging table during the run, and the table when the rows are swapped in', async () => {
    const before = def('swap_me', { id: t.bigint, amount: t.bigint });
    const first = await store.runs.start({ resource: 'test.swap_me', trigger: 'manual' });
    await store.ensureTable(before);
    await store.prepareReplace(before, true);
    await batch(first.id, before, [{ id: 1, amount: 1 }], undefined, 'replace');
    await store.runs.complete({ runId: first.id, table: before, mode: 'replace' });

    const after = def('swap_me', { id: t.bigint, amount: t.decimal });
    const widen: ColumnWidening[] = [{ table: 'swap_me', column: 'amount', from: t.bigint, to: t.decimal }];
    const second = await store.runs.start({ resource: 'test.swap_me', trigger: 'manual' });
    await store.prepareReplace(before, true);
    await batch(second.id, after, [{ id: 2, amount: '2.5' }], widen, 'replace');
    expect((await store.tableColumns('swap_me')).find((column) => column.name === 'amount')?.type?.kind).toBe('bigint');
    await store.runs.complete({ runId: second.id, table: after, mode: 'replace', widen });
    expect((await store.tableColumns('swap_me')).find((column) => column.name === 'amount')?.type?.kind).toBe('decimal');
    expect(await tableRows(store, 'swap_me')).toEqual([{ id: 2n, amount: '2.5' }]);
  });

  it('init gives a run history an older Siphon created its widened column', async () => {
    const old = await createTestDatabase(dialect);
    try {
      const legacy =
        'CREATE TABLE "_siphon_runs" ("id" INTEGER PRIMARY KEY, "resource" TEXT NOT NULL, "trigger" TEXT NOT NULL, "status" TEXT NOT NULL, "attempt" INTEGER NOT NULL DEFAULT 1, "started_at" TEXT NOT NULL, "finished_at" TEXT, "heartbeat_at" TEXT, "pages" BIGINT NOT NULL DEFAULT 0, "records" BIGINT NOT NULL DEFAULT 0, "retries" BIGINT NOT NULL DEFAULT 0, "waited_ms" BIGINT NOT NULL DEFAULT 0, "error" TEXT, "checkpoint" TEXT, "worker" TEXT)';
      if (dialect === 'sqlite') {
        const raw = await openStore(old.url);
        await raw.close();
        const file = new Database(old.url.replace(/^sqlite:/, ''));
        file.exec(legacy);
        file.exec(
          `INSERT INTO "_siphon_runs" ("resource", "trigger", "status", "started_at") VALUES ('a.b', 'manual', 'succeeded', '2024-01-01T00:00:00.000Z')`,
        );
        file.close();
      } else {
        const schema = new URL(old.url).searchParams.get('schema') as string;
        const client = new pg.Client({ connectionString: POSTGRES_URL });
        await client.connect();
        try {
          await client.query(`CREATE SCHEMA "${schema}"`);
          await client.query(`SET search_path TO "${schema}"`);
          await client.query(
            legacy
              .replace('"id" INTEGER PRIMARY KEY', '"id" bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY')
              .replace(/"(started|finished|heartbeat)_at" TEXT/g, '"$1_at" timestamptz')
              .replace('"checkpoint" TEXT', '"checkpoint" jsonb'),
          );
          await client.query(
            `INSERT INTO "_siphon_runs" ("resource", "trigger", "status", "started_at") VALUES ('a.b', 'manual', 'succeeded', '2024-01-01T00:00:00.000Z')`,
          );
        } finally {
          await client.end();
        }
      }
      const upgraded = await openStore(old.url);
      try {
        await upgraded.init();
        expect((await upgraded.tableColumns('_siphon_runs')).map((column) => column.name)).toContain('widened');
        const [earlier] = await upgraded.runs.list();
        expect(earlier?.widened).toEqual([]);
      } finally {
        await upgraded.close();
      }
    } finally {
      await old.drop();
    }
  });
});
