import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DemoApiServer, demoDataset, startDemoApi } from 'siphon-sync/demo-api';
import { openStore } from 'siphon-sync/store';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { sleep, tableRows, waitFor } from './helpers/async.js';
import { runCli, spawnCli } from './helpers/cli.js';
import { RELIABILITY } from './helpers/reliability.js';
import { type EmbeddedPostgres, startEmbeddedPostgres } from './setup/start-embedded-postgres.js';

// PostgreSQL restarted (fast shutdown, then started again on the same port
// and data) in the middle of a `siphon run`: the run waits the outage out,
// reconnects and completes, exact, without fetching any page again. The
// server is a private one: the shared PostgreSQL other tests use is never
// touched.
const RECORDS = RELIABILITY.full ? 5_000 : 600;
const RESTARTS = RELIABILITY.full ? 5 : 1;
const PAGE = 20;
const size = { cursorEvents: RECORDS };
const events = demoDataset({ seed: 9, size }).cursorEvents;

let postgres: EmbeddedPostgres;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'siphon-test-'));
  postgres = await startEmbeddedPostgres();
}, 180_000);
afterAll(async () => {
  await postgres?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

function configYaml(api: DemoApiServer, database: string, write: 'replace' | 'merge' | 'append'): string {
  return `
database: ${database}
sources:
  demo:
    baseUrl: ${api.url}
    resources:
      events:
        path: /cursor/events
        params: { limit: ${PAGE} }
        paginator: { type: cursor, cursorPath: next_cursor, cursorParam: cursor, hasMorePath: has_more }
        records: data
        ${write === 'append' ? '' : 'primaryKey: id'}
        write: ${write}
        batchSize: ${PAGE}
        columns:
          id: bigint
          amount: decimal(12,2)
`;
}

describe(`PostgreSQL restarted ${RESTARTS} time(s) during a run`, () => {
  // One at a time: they share the one server being restarted.
  it.for(['merge', 'append', 'replace'] as const)(
    '%s: the run rides the outage out and completes, exact, nothing fetched twice',
    { timeout: RELIABILITY.full ? 1_800_000 : 120_000 },
    async (write, { expect }) => {
      const api = await startDemoApi({ seed: 9, size, latencyMs: [10, 30] });
      const url = new URL(postgres.url);
      url.searchParams.set('schema', `restart_${write}`);
      const file = join(dir, `${write}.yaml`);
      writeFileSync(file, configYaml(api, url.toString(), write));
      const store = await openStore(url.toString());
      try {
        await store.init();
        if (write === 'replace') {
          const first = await runCli(['run', '--config', file]);
          expect(first.code, first.stderr).toBe(0);
        }
        api.resetStats();
        const totalPages = Math.ceil(RECORDS / PAGE);
        const child = spawnCli(['run', '--config', file]);
        for (let restart = 1; restart <= RESTARTS; restart += 1) {
          const at = Math.floor((totalPages * restart) / (RESTARTS + 1));
          const exited = await Promise.race([
            waitFor(
              async () => {
                const [run] = await store.runs.list({ resource: 'demo.events', limit: 1 });
                return run?.status === 'running' && run.pages >= at;
              },
              60_000,
              `page ${at}`,
            ).then(() => undefined),
            child.result,
          ]);
          expect(exited, 'the run ended before the restart').toBeUndefined();
          await postgres.halt();
          // Long enough for several reconnect attempts to be refused.
          await sleep(1500);
          await postgres.resume();
        }
        const result = await child.result;
        const output = result.stdout + result.stderr;
        expect(result.code, output).toBe(0);
        expect(output).toMatch(/lost the database connection .*reconnecting in/);

        const [run] = await store.runs.list({ resource: 'demo.events', limit: 1 });
        expect(run?.status).toBe('succeeded');
        expect(run?.attempt).toBe(1);
        expect(run?.records).toBe(events.length);
        const rows = await tableRows(store, 'events');
        // Exactly once each: an append table has no key to hide a batch written twice.
        expect(rows.map((row) => Number(row.id)).sort((a, b) => a - b)).toEqual(events.map((event) => event.id));
        const amounts = new Map(rows.map((row) => [Number(row.id), String(row.amount)]));
        for (const event of events) expect(amounts.get(event.id)).toBe(event.amount.toFixed(2));
        // The batch in flight was committed again, not fetched again.
        expect(api.stats().refetched).toBe(0);
      } finally {
        await store.close();
        await api.close();
      }
    },
  );
});
