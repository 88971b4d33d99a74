import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoDataset, startDemoApi } from 'siphon-sync/demo-api';
import { openStore, type Store } from 'siphon-sync/store';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { sleep, tableRows, waitFor } from './helpers/async.js';
import { runCli, spawnCli } from './helpers/cli.js';
import { cursorEventsYaml, seededRandom } from './helpers/cursor-events.js';
import { createTestDatabase, dialects, type TestDatabase } from './helpers/databases.js';
import { RELIABILITY } from './helpers/reliability.js';

// One sync SIGKILLed again and again at random points (between pages,
// mid-batch, mid-commit, mid-swap of a replace), each time started again,
// until it finishes: the table must be exact and each crash may cost at most
// the batch it was writing (and the page read ahead). The points come from a seed printed with any
// failure, so a failing sequence can be replayed (SIPHON_CRASH_SEED).
const KILLS = RELIABILITY.full ? 20 : 2;
const RECORDS = RELIABILITY.full ? 50_000 : 400;
const PAGE = 20;
/** A whole run of the full size takes minutes on a loaded machine. */
const RUN_TIMEOUT_MS = RELIABILITY.full ? 900_000 : 55_000;
const BATCH_PAGES = 1;
const seed = Number(process.env.SIPHON_CRASH_SEED ?? Date.now() % 100_000);
const size = { cursorEvents: RECORDS };
const events = demoDataset({ seed: 5, size }).cursorEvents;

/** Pages the unfinished run has committed; 0 while none is unfinished (a replace starts after a finished one). */
async function latestPages(store: Store): Promise<number> {
  const [run] = await store.runs.list({ resource: 'demo.events', limit: 1 });
  return run && run.status !== 'succeeded' ? run.pages : 0;
}

describe.each(dialects)(`SIGKILL at ${KILLS} random points of one sync (%s, seed ${seed})`, (dialect) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(dialect);
  });
  afterAll(async () => {
    await db.drop();
  });

  // Concurrent, each with its own server to count its requests: much of a case is spent polling and starting processes.
  it.concurrent.for(['replace', 'merge', 'append'] as const)(
    '%s: the table ends exact, each crash costs at most one batch',
    { timeout: RELIABILITY.full ? 3_600_000 : 90_000 },
    async (write, { expect }) => {
      // A little latency so a kill can land between, during and after pages.
      const api = await startDemoApi({ seed: 5, size, latencyMs: [2, 12] });
      const pick = seededRandom(seed + write.length);
      const file = join(db.dir, `${write}.yaml`);
      const database =
        dialect === 'sqlite' ? `sqlite:${join(db.dir, `${write}.db`)}` : db.url.replace(/schema=[^&]+/, (m) => `${m}_crash_${write}`);
      writeFileSync(file, cursorEventsYaml({ baseUrl: api.url, database, write, page: PAGE, batchSize: PAGE * BATCH_PAGES }));
      const store = await openStore(database);
      try {
        await store.init();
        if (write === 'replace') {
          // Readers must see all of the last good table through every crash.
          const first = await runCli(['run', '--config', file], { timeoutMs: RUN_TIMEOUT_MS });
          expect(first.code, first.stderr).toBe(0);
        }
        const totalPages = Math.ceil(RECORDS / PAGE);
        api.resetStats();
        let crashes = 0;
        for (let kill = 0; kill < KILLS; kill += 1) {
          const before = await latestPages(store);
          const child = spawnCli(['run', '--config', file]);
          // A point past the pages already committed, then a random few milliseconds more.
          const target = before + 1 + Math.floor(pick() * Math.max(1, (totalPages - before) / (KILLS - kill + 1)));
          const finished = await Promise.race([
            waitFor(async () => (await latestPages(store)) >= target, 30_000, `page ${target}`).then(() => false),
            child.result.then(() => true),
          ]);
          if (finished) break;
          await sleep(Math.floor(pick() * 15));
          child.kill('SIGKILL');
          const killed = await child.result;
          if (killed.signal === 'SIGKILL') crashes += 1;
          if (write === 'replace') expect((await tableRows(store, 'events')).length, `after crash ${crashes}`).toBe(events.length);
        }
        const last = await runCli(['run', '--config', file], { timeoutMs: RUN_TIMEOUT_MS });
        expect(last.code, last.stderr).toBe(0);
        const [run] = await store.runs.list({ resource: 'demo.events', limit: 1 });
        expect(run?.status).toBe('succeeded');
        expect(run?.records).toBe(events.length);
        expect(crashes).toBeGreaterThan(0);

        const rows = await tableRows(store, 'events');
        // Exactly once each: an append table has no key to hide a repeat.
        expect(rows.map((row) => Number(row.id)).sort((a, b) => a - b)).toEqual(events.map((event) => event.id));
        const amounts = new Map(rows.map((row) => [Number(row.id), String(row.amount)]));
        for (const event of events) expect(amounts.get(event.id)).toBe(event.amount.toFixed(2));
        // A crash loses at most the batch it was writing and the one page the walk reads ahead of it.
        expect(api.stats().refetched).toBeLessThanOrEqual(crashes * (BATCH_PAGES + 1));
        console.log(
          `crash suite (${dialect}, ${write}): ${crashes} SIGKILLs, ${api.stats().refetched} pages fetched again, ${rows.length} rows exact`,
        );
      } finally {
        await store.close();
        await api.close();
      }
    },
  );
});
