// Goal 5: end to end. Coins (26 fields) from the demo API on loopback through
// parseConfig + syncResources into a table, against a raw loop over the same
// pages with the same pages in flight (bodies parsed with Siphon's exact
// parser and dropped): SQLite `replace` ≥ 70 % of it, PostgreSQL `replace`
// (a schema of its own, dropped after) ≥ 50 %, and a `merge` re-sync after
// 20 % of the coins changed ≥ 70 % of the raw loop over the changed pages.
// The demo API cannot change its coins, so the re-sync reads the same
// generated coins, every fifth with a new price, from a plain server here;
// its raw loop reads that server too. Each side runs twice, alternating, and
// the better run counts: noise on a shared machine only ever slows a run down.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startDemoApi } from 'siphon-sync/demo-api';
import { openStore } from 'siphon-sync/store';
import { syncResources } from 'siphon-sync/sync';
import { generateCoins } from '../../src/demo-api/coins.js';
import { type CoinsServer, serveCoins } from '../harness/coins-server.js';
import { coinsConfig, POSTGRES, rawFetchLoop } from '../harness/coins-source.js';
import { type Figure, ms, percent, type Scenario } from '../harness/figure.js';

/** One sync of `database`'s coins from `baseUrl`, in milliseconds; fails unless every coin arrived. */
async function siphonSync(baseUrl: string, database: string, write: 'replace' | 'merge', records: number, dir: string): Promise<number> {
  const config = coinsConfig(baseUrl, database, write, dir);
  const store = await openStore(config.database);
  try {
    await store.init();
    const started = performance.now();
    const [outcome] = await syncResources({ config, store });
    const elapsed = performance.now() - started;
    if (outcome?.error) throw outcome.error;
    if (outcome?.run.status !== 'succeeded' || outcome.run.records !== records) {
      throw new Error(`end-to-end: run ${outcome?.run.status} with ${outcome?.run.records} of ${records} coins`);
    }
    return elapsed;
  } finally {
    await store.close();
  }
}

/** The better (shorter) of two alternating runs of each side. */
async function bestOfTwo(baseline: () => Promise<number>, siphon: () => Promise<number>): Promise<[number, number]> {
  let [base, ours] = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
  for (let round = 0; round < 2; round += 1) {
    base = Math.min(base, await baseline());
    ours = Math.min(ours, await siphon());
  }
  return [base, ours];
}

function figure(name: string, goal: number, records: number, base: number, ours: number): Figure {
  const ratio = base / ours;
  return {
    scenario: 'end-to-end',
    figure: `${records.toLocaleString('en-US')} coins → ${name}`,
    goal: `≥ ${percent(goal)} of the raw loop`,
    baseline: `raw fetch + parse: ${ms(base)}`,
    measured: `${ms(ours)} (${percent(ratio)})`,
    ratio,
    pass: ratio >= goal,
  };
}

/**
 * The same coins as /coins/markets serves them, every fifth with another
 * price: 20 % of the rows changed. `change()` picks a new price, so each
 * merge of the best-of-two finds its fifth changed again.
 */
async function startChangedCoins(records: number): Promise<CoinsServer & { change(): void }> {
  const original = generateCoins(1, records).map((coin) => coin.json);
  let coins = original;
  let version = 0;
  const server = await serveCoins(records, (index) => coins[index] as string);
  return {
    ...server,
    change() {
      version += 1;
      coins = original.map((json, index) =>
        index % 5 === 0 ? json.replace(/"current_price":[^,]+/, `"current_price":${version}.25`) : json,
      );
    },
  };
}

export const endToEnd: Scenario = {
  name: 'end-to-end',
  description: 'coins from the demo API into SQLite and PostgreSQL, and a merge re-sync, against a raw fetch loop',
  async run({ quick }) {
    const records = Number(process.env.BENCH_ROWS ?? (quick ? 20_000 : 200_000));
    const dir = mkdtempSync(join(tmpdir(), 'siphon-bench-'));
    const sqlite = `sqlite:${join(dir, 'coins.db')}`;
    const schema = `siphon_bench_e2e_${process.pid}`;
    const figures: Figure[] = [];
    try {
      const api = await startDemoApi({ seed: 1, size: { coins: records } });
      try {
        const [base, ours] = await bestOfTwo(
          () => rawFetchLoop(api.url, records),
          () => siphonSync(api.url, sqlite, 'replace', records, dir),
        );
        figures.push(figure('SQLite replace', 0.7, records, base, ours));
        if (POSTGRES !== 'off') {
          const database = `${POSTGRES}?schema=${schema}`;
          const [pgBase, pgOurs] = await bestOfTwo(
            () => rawFetchLoop(api.url, records),
            () => siphonSync(api.url, database, 'replace', records, dir),
          );
          figures.push(figure('PostgreSQL replace', 0.5, records, pgBase, pgOurs));
        }
      } finally {
        await api.close();
      }
      const changed = await startChangedCoins(records);
      try {
        // The table holds the unchanged coins (SQLite's replace above); each merge brings in the changed fifth.
        const [base, ours] = await bestOfTwo(
          () => rawFetchLoop(changed.url, records),
          () => {
            changed.change();
            return siphonSync(changed.url, sqlite, 'merge', records, dir);
          },
        );
        figures.push(figure('SQLite merge re-sync, 20 % changed', 0.7, records, base, ours));
      } finally {
        await changed.close();
      }
    } finally {
      // Also when a run fails: neither the file nor the schema outlives the scenario.
      rmSync(dir, { recursive: true, force: true });
      if (POSTGRES !== 'off') {
        const client = new pg.Client({ connectionString: POSTGRES });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => client.end());
      }
    }
    return figures;
  },
};
