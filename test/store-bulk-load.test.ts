// Batches reach PostgreSQL through COPY FROM STDIN (text format, escaped by
// Siphon) and SQLite through multi-row statements: what each write mode
// stores must be exactly what was sent, whichever path a batch takes (an
// upsert copies straight into the table while none of its keys is there,
// through a temporary table once some are).
import { CoercionError, openStore, type Row, type Store, type TableDef, type WriteMode } from 'siphon-sync/store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tableRows } from './helpers/async.js';
import { createTestDatabase, dialects, type TestDatabase } from './helpers/databases.js';

// Every character COPY's text format gives a meaning to, alone and in the
// sequences that mean something after a backslash.
const AWKWARD = [
  '\\N',
  '\\.',
  '\\',
  'a\tb',
  'line\nnext',
  'cr\rlf\r\n',
  '\\t\\n\\r',
  '\\\\N',
  'ends with \\',
  '',
  ' ',
  'NULL',
  '"\'',
  'é😀',
];

const def = (name: string, primaryKey: string[]): TableDef => ({
  name,
  columns: [
    { name: 'id', type: { kind: 'integer' } },
    { name: 'part', type: { kind: 'text' } },
    { name: 'body', type: { kind: 'text' } },
    { name: 'doc', type: { kind: 'json' } },
    { name: 'flag', type: { kind: 'boolean' } },
    { name: 'ratio', type: { kind: 'float' } },
    { name: 'amount', type: { kind: 'decimal', precision: 12, scale: 3 } },
  ],
  primaryKey,
});

const rowFor = (id: number, body: string, version: number): Row => ({
  id,
  part: id % 2 === 0 ? 'even' : 'odd',
  body,
  doc: { body, list: [body, version], nested: { '\\key\t': body } },
  flag: version % 2 === 0,
  ratio: version === 0 ? 0.1 : -1.5e-7 * version,
  amount: `${version}.125`,
});

describe.each(dialects)('bulk load on %s', (dialect) => {
  let database: TestDatabase;
  let store: Store;

  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    store = await openStore(database.url);
    await store.init();
  });

  afterEach(async () => {
    await store.close();
    await database.drop();
  });

  async function write(table: TableDef, mode: WriteMode, batches: Row[][]): Promise<void> {
    await store.ensureTable(table);
    const run = await store.runs.start({ resource: `test.${table.name}`, trigger: 'manual' });
    if (mode === 'replace') await store.prepareReplace(table, true);
    for (const [index, rows] of batches.entries()) {
      await store.writeBatch({
        runId: run.id,
        table,
        mode,
        rows,
        checkpoint: { index },
        pages: 1,
        records: rows.length,
        retries: 0,
        waitedMs: 0,
      });
    }
    await store.runs.complete({ runId: run.id, table, mode });
  }

  const read = (table: string): Promise<Row[]> => tableRows(store, table);

  it('appends text and json holding every COPY escape exactly, NULLs as NULL', async () => {
    const rows = AWKWARD.map((body, index) => rowFor(index + 1, body, index));
    rows.push({ id: 100, part: null, body: null, doc: null, flag: null, ratio: null, amount: null });
    await write(def('appended', []), 'append', [rows]);
    expect(await read('appended')).toEqual(rows);
  });

  it('merges new keys, then existing and new ones in one batch, keeping the last version of each', async () => {
    const table = def('merged', ['id']);
    const first = AWKWARD.map((body, index) => rowFor(index + 1, body, 0));
    // Half the keys exist, half are new; the batch also repeats a key (the later row wins).
    const second = [...AWKWARD.map((body, index) => rowFor(index + 1 + AWKWARD.length / 2, `${body}|2`, 2)), rowFor(1, 'again', 4)];
    await write(table, 'merge', [first]);
    await write(table, 'merge', [second]);
    const byId = new Map<number, Row>();
    for (const row of [...first, ...second]) byId.set(row.id as number, row);
    expect(await read('merged')).toEqual([...byId.values()].sort((a, b) => (a.id as number) - (b.id as number)));
  });

  it('merges on a composite key where only some keys exist', async () => {
    const table = def('composite', ['id', 'part']);
    await write(table, 'merge', [[rowFor(1, 'one', 0), rowFor(2, 'two', 0)]]);
    await write(table, 'merge', [[rowFor(2, 'two\tchanged', 2), { ...rowFor(2, 'other part', 2), part: 'odd' }, rowFor(3, 'three', 2)]]);
    expect((await read('composite')).map((row) => [row.id, row.part, row.body])).toEqual([
      [1, 'odd', 'one'],
      [2, 'even', 'two\tchanged'],
      [2, 'odd', 'other part'],
      [3, 'odd', 'three'],
    ]);
  });

  it('replaces with a key repeated across batches: the later batch wins, nothing else survives', async () => {
    const table = def('replaced', ['id']);
    await write(table, 'merge', [[rowFor(50, 'gone after the replace', 0)]]);
    const first = [rowFor(1, 'a\\N', 0), rowFor(2, 'b', 0)];
    const second = [rowFor(2, 'b\r\nlater', 2), rowFor(3, '\\.', 2)];
    await write(table, 'replace', [first, second]);
    expect(await read('replaced')).toEqual([first[0]!, ...second]);
  });

  it.runIf(dialect === 'postgres')(
    'refuses a NUL in an appended or merged batch with a CoercionError naming column and record',
    async () => {
      for (const [mode, keys] of [
        ['append', []],
        ['merge', ['id']],
      ] as const) {
        const table = def(`nul_${mode}`, [...keys]);
        const attempt = write(table, mode, [[rowFor(1, 'fine', 0), rowFor(2, 'bad\u0000byte', 0)]]);
        await expect(attempt).rejects.toBeInstanceOf(CoercionError);
        await expect(attempt).rejects.toMatchObject({ table: `nul_${mode}`, column: 'body', row: 1 });
        expect(await read(`nul_${mode}`)).toEqual([]);
      }
    },
  );
});
