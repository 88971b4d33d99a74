// Writes 50,000 CoinGecko-like rows (26 columns, exact decimals and int64s)
// through the store in each write mode, on SQLite (a temp file) and
// PostgreSQL (a temp schema), and prints rows/s. Coercion is included: rows
// start as the exact JSON values an API walk hands over.
// Run: node --import tsx bench/store.ts   (BENCH_POSTGRES=url to change the server, =off to skip it)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { parseJson } from 'siphon-sync';
import { openStore, parseColumnType, type Row, type Store, type TableDef, type WriteMode } from 'siphon-sync/store';
import { generateCoins } from '../src/demo-api/coins.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 50_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 1000);
const POSTGRES = process.env.BENCH_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';

// The reference model's types (see src/demo-api/coins.ts).
const COLUMNS: Record<string, string> = {
  id: 'text',
  symbol: 'text',
  name: 'text',
  image: 'text',
  current_price: 'decimal(20,2)',
  market_cap: 'bigint',
  market_cap_rank: 'integer',
  fully_diluted_valuation: 'bigint',
  total_volume: 'bigint',
  high_24h: 'decimal(20,2)',
  low_24h: 'decimal(20,2)',
  price_change_24h: 'decimal(20,2)',
  price_change_percentage_24h: 'decimal(10,5)',
  market_cap_change_24h: 'bigint',
  market_cap_change_percentage_24h: 'decimal(10,5)',
  circulating_supply: 'decimal(20,2)',
  total_supply: 'decimal(20,2)',
  max_supply: 'decimal(20,2)',
  ath: 'decimal(20,2)',
  ath_change_percentage: 'decimal(10,5)',
  ath_date: 'timestamp',
  atl: 'decimal(20,2)',
  atl_change_percentage: 'decimal(20,5)',
  atl_date: 'timestamp',
  roi: 'json',
  last_updated: 'timestamp',
};

const table = (name: string, keyed: boolean): TableDef => ({
  name,
  columns: Object.entries(COLUMNS).map(([column, type]) => ({ name: column, type: parseColumnType(type) })),
  primaryKey: keyed ? ['id'] : [],
});

const coins: Row[] = generateCoins(1, ROWS).map((coin) => parseJson(coin.json) as Row);

async function writeAll(store: Store, def: TableDef, mode: WriteMode): Promise<number> {
  const run = await store.runs.start({ resource: `bench.${def.name}`, trigger: 'manual' });
  if (mode === 'replace') await store.prepareReplace(def, true);
  const started = performance.now();
  for (let start = 0; start < coins.length; start += BATCH) {
    const rows = coins.slice(start, start + BATCH);
    await store.writeBatch({
      runId: run.id,
      table: def,
      mode,
      rows,
      checkpoint: { page: start / BATCH + 1 },
      pages: 1,
      records: rows.length,
      retries: 0,
      waitedMs: 0,
    });
  }
  await store.runs.complete({ runId: run.id, table: def, mode });
  return performance.now() - started;
}

async function bench(label: string, url: string): Promise<string[][]> {
  const store = await openStore(url);
  const out: string[][] = [];
  try {
    await store.init();
    const cases: [string, TableDef, WriteMode][] = [
      ['append (no key)', table('coins_append', false), 'append'],
      ['merge, new keys', table('coins_merge', true), 'merge'],
      ['merge, existing keys', table('coins_merge', true), 'merge'],
      ['replace (keyed)', table('coins_replace', true), 'replace'],
    ];
    for (const [name, def, mode] of cases) {
      await store.ensureTable(def);
      const ms = await writeAll(store, def, mode);
      out.push([label, name, String(coins.length), ms.toFixed(0), Math.round((coins.length / ms) * 1000).toLocaleString('en-US')]);
    }
  } finally {
    await store.close();
  }
  return out;
}

const rows: string[][] = [['database', 'write', 'rows', 'ms', 'rows/s']];
const dir = mkdtempSync(join(tmpdir(), 'siphon-bench-'));
try {
  rows.push(...(await bench('sqlite (file, WAL)', `sqlite:${join(dir, 'bench.db')}`)));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (POSTGRES !== 'off') {
  const schema = `siphon_bench_${process.pid}`;
  try {
    rows.push(...(await bench('postgres', `${POSTGRES}?schema=${schema}`)));
  } finally {
    const client = new pg.Client({ connectionString: POSTGRES });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => client.end());
  }
}

const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
console.log(
  `${ROWS.toLocaleString('en-US')} rows of ${Object.keys(COLUMNS).length} columns in batches of ${BATCH}, node ${process.version}`,
);
for (const row of rows) console.log(row.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
