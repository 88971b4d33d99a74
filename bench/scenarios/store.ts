// Goal 2: store throughput. 50,000 CoinGecko-like rows (26 columns, exact
// decimals and int64s) go through the store in each write mode, in batches
// of 1,000 as a sync hands them over, coercion included: rows start as the
// exact JSON values a walk yields. Baselines, taken in the same run on the
// same rows:
// - SQLite: plain better-sqlite3, one prepared INSERT (an upsert for keyed
//   modes) run per row in 1,000-row transactions, on a file with the same
//   settings (WAL, synchronous NORMAL); Siphon must reach 60 % of it.
// - PostgreSQL: a plain COPY FROM STDIN of the same rows (pg-copy-streams)
//   in 1,000-row transactions; the goal is absolute: 100,000 rows/s for
//   append and replace, 50,000 for merge.
// Each side runs twice, alternating, and the better run counts: the machine
// is shared, and noise only ever slows a run down.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { parseJson, stringifyJson } from 'siphon-sync';
import { openStore, parseColumnType, type Row, type Store, type TableDef, type WriteMode } from 'siphon-sync/store';
import { type COIN_FIELDS, generateCoins } from '../../src/demo-api/coins.js';
import { COIN_COLUMNS } from '../harness/coins-source.js';
import { type Figure, percent, perSecond, type Scenario } from '../harness/figure.js';

const BATCH = 1000;
const POSTGRES = process.env.BENCH_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';

// The reference model's types, shared with the end-to-end and memory scenarios.
const COLUMNS: Record<(typeof COIN_FIELDS)[number], string> = COIN_COLUMNS;
const NAMES = Object.keys(COLUMNS);

type Case = { readonly label: string; readonly mode: WriteMode; readonly keyed: boolean; readonly again?: boolean };
const CASES: readonly Case[] = [
  { label: 'append (no key)', mode: 'append', keyed: false },
  { label: 'merge, new keys', mode: 'merge', keyed: true },
  { label: 'merge, existing keys', mode: 'merge', keyed: true, again: true },
  { label: 'replace (keyed)', mode: 'replace', keyed: true },
];

const tableDef = (name: string, keyed: boolean): TableDef => ({
  name,
  columns: NAMES.map((column) => ({ name: column, type: parseColumnType(COLUMNS[column as keyof typeof COLUMNS]) })),
  primaryKey: keyed ? ['id'] : [],
});

/** The better of two alternating runs of each side, in rows/s. */
async function bestOfTwo(rows: number, baseline: () => Promise<number>, siphon: () => Promise<number>): Promise<[number, number]> {
  let [base, ours] = [0, 0];
  for (let round = 0; round < 2; round += 1) {
    base = Math.max(base, rows / ((await baseline()) / 1000));
    ours = Math.max(ours, rows / ((await siphon()) / 1000));
  }
  return [base, ours];
}

/** Writes every row through the store as a sync would: one batch (with its bookkeeping) per 1,000 rows. */
async function siphonWrite(store: Store, def: TableDef, mode: WriteMode, rows: readonly Row[]): Promise<number> {
  const run = await store.runs.start({ resource: `bench.${def.name}`, trigger: 'manual' });
  if (mode === 'replace') await store.prepareReplace(def, true);
  const started = performance.now();
  for (let start = 0; start < rows.length; start += BATCH) {
    const batch = rows.slice(start, start + BATCH);
    await store.writeBatch({
      runId: run.id,
      table: def,
      mode,
      rows: batch,
      checkpoint: { page: start / BATCH + 1 },
      pages: 1,
      records: batch.length,
      retries: 0,
      waitedMs: 0,
    });
  }
  await store.runs.complete({ runId: run.id, table: def, mode });
  return performance.now() - started;
}

let tables = 0;

/** A fresh table per run; for "existing keys" it first holds the same rows (written untimed). */
async function siphonCase(store: Store, { mode, keyed, again }: Case, rows: readonly Row[]): Promise<number> {
  tables += 1;
  const def = tableDef(`coins_${tables}`, keyed);
  await store.ensureTable(def);
  if (again) await siphonWrite(store, def, mode, rows);
  return siphonWrite(store, def, mode, rows);
}

/** A value as a plain program binds it: big and long numbers as their digits, objects as JSON text. */
const plainValue = (value: unknown): unknown => (value !== null && typeof value === 'object' ? stringifyJson(value) : (value ?? null));

const SQLITE_TYPES: Record<string, string> = { text: 'TEXT', bigint: 'INTEGER', integer: 'INTEGER', timestamp: 'TEXT', json: 'TEXT' };

function sqliteBaseline(path: string, { mode, keyed, again }: Case, rows: readonly Row[]): number {
  const table = 'plain';
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.defaultSafeIntegers(true);
    const target = mode === 'replace' ? `${table}_stage` : table;
    const ddl = (name: string): string =>
      `CREATE TABLE IF NOT EXISTS "${name}" (${NAMES.map((n) => `"${n}" ${SQLITE_TYPES[COLUMNS[n as keyof typeof COLUMNS]] ?? 'TEXT'}`).join(', ')}${keyed ? ', PRIMARY KEY (id)' : ''})`;
    db.exec(`DROP TABLE IF EXISTS "${table}"; DROP TABLE IF EXISTS "${target}"`);
    db.exec(ddl(table));
    if (mode === 'replace') db.exec(ddl(target));
    const columns = NAMES.map((n) => `"${n}"`).join(', ');
    const upsert = keyed ? ` ON CONFLICT (id) DO UPDATE SET ${NAMES.filter((n) => n !== 'id').map((n) => `"${n}" = excluded."${n}"`)}` : '';
    const insert = db.prepare(`INSERT INTO "${target}" (${columns}) VALUES (${NAMES.map(() => '?').join(', ')})${upsert}`);
    const write = db.transaction((batch: readonly Row[]) => {
      for (const row of batch) insert.run(NAMES.map((name) => plainValue(row[name])));
    });
    if (again) for (let start = 0; start < rows.length; start += BATCH) write(rows.slice(start, start + BATCH));
    const started = performance.now();
    for (let start = 0; start < rows.length; start += BATCH) write(rows.slice(start, start + BATCH));
    if (mode === 'replace') {
      db.transaction(() => {
        db.exec(`DELETE FROM "${table}"; INSERT INTO "${table}" SELECT * FROM "${target}"; DROP TABLE "${target}"`);
      })();
    }
    return performance.now() - started;
  } finally {
    db.close();
  }
}

const PG_TYPES: Record<string, string> = { timestamp: 'timestamptz', json: 'jsonb', integer: 'integer', bigint: 'bigint', text: 'text' };
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
// int8 input takes no fraction: a plain program rounds the API's 1498821593.91 itself.
const INTEGER_COLUMNS = new Set(NAMES.filter((name) => COLUMNS[name as keyof typeof COLUMNS] === 'bigint'));
const copyText = (name: string, value: unknown): string => {
  const plain = INTEGER_COLUMNS.has(name) && typeof value === 'number' ? Math.round(value) : plainValue(value);
  return plain === null ? '\\N' : String(plain).replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]!);
};

/** A plain COPY of the same rows into a fresh table, 1,000 rows per transaction. */
async function postgresBaseline(url: string, schema: string, rows: readonly Row[]): Promise<number> {
  const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema} -c TimeZone=UTC` });
  await client.connect();
  try {
    const types = NAMES.map((n) => {
      const type = COLUMNS[n as keyof typeof COLUMNS];
      return PG_TYPES[type] ?? type.replace('decimal', 'numeric');
    });
    await client.query('DROP TABLE IF EXISTS plain_copy');
    await client.query(`CREATE TABLE plain_copy (${NAMES.map((n, i) => `"${n}" ${types[i]}`).join(', ')})`);
    const started = performance.now();
    for (let start = 0; start < rows.length; start += BATCH) {
      let text = '';
      for (const row of rows.slice(start, start + BATCH)) text += `${NAMES.map((name) => copyText(name, row[name])).join('\t')}\n`;
      await client.query('BEGIN');
      const stream = client.query(copyFrom('COPY plain_copy FROM STDIN'));
      await new Promise<void>((resolve, reject) => {
        stream.on('finish', resolve);
        stream.on('error', reject);
        stream.end(text);
      });
      await client.query('COMMIT');
    }
    return performance.now() - started;
  } finally {
    await client.end();
  }
}

async function sqliteFigures(rows: readonly Row[]): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'siphon-bench-'));
  const figures: Figure[] = [];
  const store = await openStore(`sqlite:${join(dir, 'siphon.db')}`);
  try {
    await store.init();
    for (const item of CASES) {
      const [base, ours] = await bestOfTwo(
        rows.length,
        async () => sqliteBaseline(join(dir, 'plain.db'), item, rows),
        () => siphonCase(store, item, rows),
      );
      figures.push({
        scenario: 'store',
        figure: `SQLite ${item.label}`,
        goal: '≥ 60 % of plain better-sqlite3',
        baseline: `prepared statement: ${perSecond(base)}`,
        measured: `${perSecond(ours)} (${percent(ours / base)})`,
        ratio: ours / base,
        pass: ours / base >= 0.6,
      });
    }
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}

async function postgresFigures(rows: readonly Row[]): Promise<Figure[]> {
  const schema = `siphon_bench_${process.pid}`;
  const figures: Figure[] = [];
  try {
    const store = await openStore(`${POSTGRES}?schema=${schema}`);
    try {
      await store.init();
      for (const item of CASES) {
        const goal = item.mode === 'merge' ? 50_000 : 100_000;
        const [base, ours] = await bestOfTwo(
          rows.length,
          () => postgresBaseline(POSTGRES, schema, rows),
          () => siphonCase(store, item, rows),
        );
        figures.push({
          scenario: 'store',
          figure: `PostgreSQL ${item.label}`,
          goal: `≥ ${perSecond(goal)} rows`,
          baseline: `plain COPY: ${perSecond(base)}`,
          measured: `${perSecond(ours)} (${percent(ours / base)} of COPY)`,
          ratio: ours / base,
          pass: ours >= goal,
        });
      }
    } finally {
      await store.close();
    }
  } finally {
    const client = new pg.Client({ connectionString: POSTGRES });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => client.end());
  }
  return figures;
}

export const store: Scenario = {
  name: 'store',
  description: 'batches of 1,000 coins in every write mode, against plain better-sqlite3 and a plain COPY',
  async run({ quick }) {
    const count = Number(process.env.BENCH_ROWS ?? (quick ? 10_000 : 50_000));
    const rows = generateCoins(1, count).map((coin) => parseJson(coin.json) as Row);
    const figures = await sqliteFigures(rows);
    if (POSTGRES !== 'off') figures.push(...(await postgresFigures(rows)));
    return figures;
  },
};
