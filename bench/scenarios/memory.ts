// Goal 7: memory. Peak RSS of a sync of 1,000,000 coins into SQLite ≤ 150 MB
// and within 20 % of the same sync of 100,000 (--quick: 100,000 vs 10,000);
// a CSV and an XLSX export of that table stay as flat. Each step runs alone
// in a child process (plain node on the built package) that reports its
// own peak RSS at exit. The coins come from a plain server here that
// repeats 10,000 generated coins under unique ids, so the benchmark's own
// process never holds a million JSON texts.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { generateCoins } from '../../src/demo-api/coins.js';
import { serveCoins } from '../harness/coins-server.js';
import { coinsConfigInput } from '../harness/coins-source.js';
import { type Figure, mb, percent, type Scenario } from '../harness/figure.js';

const LIMIT = 150 * 1024 * 1024;
const FLAT = 1.2;
const CHILD = fileURLToPath(new URL('../harness/memory-child.mjs', import.meta.url));
const DISTINCT = 10_000;

/** Runs one step in a child and returns its peak RSS in bytes. */
async function peakRss(step: string, ...args: string[]): Promise<number> {
  const { stdout } = await promisify(execFile)(process.execPath, [CHILD, step, ...args], { maxBuffer: 1024 * 1024 });
  return (JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { maxRss: number }).maxRss;
}

/** Peak RSS of the sync and of each export for `records` coins. */
async function measure(records: number): Promise<{ sync: number; csv: number; xlsx: number }> {
  const base = generateCoins(1, Math.min(records, DISTINCT)).map((coin) => coin.json);
  // Unique ids so every row is its own under the primary key.
  const server = await serveCoins(records, (index) =>
    (base[index % base.length] as string).replace(/^\{"id":"([^"]*)"/, (_, id: string) => `{"id":"${id}-${index}"`),
  );
  const dir = mkdtempSync(join(tmpdir(), 'siphon-bench-'));
  try {
    const sync = await peakRss(
      'sync',
      dir,
      String(records),
      JSON.stringify(coinsConfigInput(server.url, `sqlite:${join(dir, 'coins.db')}`, 'replace')),
    );
    return { sync, csv: await peakRss('csv', dir), xlsx: await peakRss('xlsx', dir) };
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function figure(what: string, small: number, smallRss: number, large: number, largeRss: number): Figure {
  const ratio = largeRss / smallRss;
  return {
    scenario: 'memory',
    figure: `peak RSS, ${large.toLocaleString('en-US')} coins ${what}`,
    goal: `≤ ${mb(LIMIT)} and ≤ ${percent(FLAT)} of ${small.toLocaleString('en-US')}`,
    baseline: `${small.toLocaleString('en-US')} coins: ${mb(smallRss)}`,
    measured: `${mb(largeRss)} (${percent(ratio)})`,
    ratio,
    pass: largeRss <= LIMIT && ratio <= FLAT,
  };
}

export const memory: Scenario = {
  name: 'memory',
  description: 'peak RSS of a sync into SQLite and of CSV and XLSX exports, 10× the rows',
  async run({ quick }) {
    const large = Number(process.env.BENCH_ROWS ?? (quick ? 100_000 : 1_000_000));
    const small = large / 10;
    const before = await measure(small);
    const after = await measure(large);
    const floor = `the floor (node and these modules loaded, nothing run) is ${mb(await peakRss('idle'))}`;
    return [
      { ...figure('→ SQLite replace', small, before.sync, large, after.sync), note: floor },
      figure('exported to CSV', small, before.csv, large, after.csv),
      figure('exported to XLSX', small, before.xlsx, large, after.xlsx),
    ];
  },
};
