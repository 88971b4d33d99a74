import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DemoApiServer, demoDataset, startDemoApi } from 'siphon-sync/demo-api';
import { openStore } from 'siphon-sync/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableRows, waitFor } from './helpers/async.js';
import { runCli, spawnCli } from './helpers/cli.js';
import { cursorEventsYaml } from './helpers/cursor-events.js';
import { createTestDatabase, dialects, type TestDatabase } from './helpers/databases.js';

// A sync killed with SIGKILL in the middle of a run, then run again, ends with
// exactly the API's records — in every write mode, on every dialect.
const seed = 11;
const size = { cursorEvents: 800 };
const events = demoDataset({ seed, size }).cursorEvents;

let api: DemoApiServer;
beforeAll(async () => {
  // Slow enough that a run lasts a few seconds: the test must catch it between its 8th and last page.
  api = await startDemoApi({ seed, size, latencyMs: 60 });
});
afterAll(async () => {
  await api.close();
});

function configYaml(database: string, write: 'replace' | 'merge' | 'append'): string {
  return cursorEventsYaml({ baseUrl: api.url, database, write, page: 20, moreColumns: ['occurred_at: timestamp'] });
}

describe.each(dialects)('SIGKILL mid-run, then run again (%s)', (dialect) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(dialect);
  });
  afterAll(async () => {
    await db.drop();
  });

  it.each(['replace', 'merge', 'append'] as const)(
    '%s ends with the exact table',
    async (write) => {
      const file = join(db.dir, `${write}.yaml`);
      const database =
        dialect === 'sqlite' ? `sqlite:${join(db.dir, `${write}.db`)}` : db.url.replace(/schema=[^&]+/, (m) => `${m}_${write}`);
      writeFileSync(file, configYaml(database, write));
      const store = await openStore(database);
      try {
        await store.init();
        if (write === 'replace') {
          // An earlier successful run: readers must keep seeing all of it until the new run swaps in.
          const first = await runCli(['run', '--config', file]);
          expect(first.code, first.stderr).toBe(0);
        }
        const child = spawnCli(['run', '--config', file]);
        // Generous: on a loaded machine the child may take long to start; the kill must still land mid-run.
        await waitFor(
          async () => {
            const [run] = await store.runs.list({ resource: 'demo.events', limit: 1 });
            return run?.status === 'running' && run.pages >= 8;
          },
          60_000,
          'the run to commit 8 pages',
        );
        child.kill('SIGKILL');
        const killed = await child.result;
        expect(killed.signal).toBe('SIGKILL');
        const [dead] = await store.runs.list({ resource: 'demo.events', limit: 1 });
        expect(dead?.status).toBe('running');
        expect(dead?.pages).toBeLessThan(40);
        if (write === 'replace') expect(await tableRows(store, 'events')).toHaveLength(events.length);

        api.resetStats();
        const again = await runCli(['run', '--config', file]);
        expect(again.code, again.stderr).toBe(0);
        const [resumed] = await store.runs.list({ resource: 'demo.events', limit: 1 });
        expect(resumed?.id).toBe(dead?.id);
        expect(resumed?.status).toBe('succeeded');
        expect(resumed?.attempt).toBe(2);
        expect(resumed?.records).toBe(events.length);
        // The resumed attempt started after the last committed page, not at page 1.
        expect(api.stats().requests).toBeLessThan(40 - (dead?.pages ?? 0) + 3);

        const rows = await tableRows(store, 'events');
        // Exactly once each (an append table has no key to dedupe by, so a repeat would show here).
        expect(rows.map((row) => Number(row.id)).sort((a, b) => a - b)).toEqual(events.map((event) => event.id));
        const byId = new Map(rows.map((row) => [Number(row.id), row]));
        for (const event of events) {
          const row = byId.get(event.id);
          expect(row?.type).toBe(event.type);
          expect(row?.amount).toBe(Number(event.amount).toFixed(2));
        }
      } finally {
        await store.close();
      }
    },
    120_000,
  );
});

describe('SIGTERM', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
  });
  afterAll(async () => {
    await db.drop();
  });

  it('stops at a page boundary, marks the run interrupted, and the next run resumes it', async () => {
    const file = join(db.dir, 'term.yaml');
    const database = `sqlite:${join(db.dir, 'term.db')}`;
    writeFileSync(file, configYaml(database, 'merge'));
    const store = await openStore(database);
    try {
      await store.init();
      const child = spawnCli(['run', '--config', file]);
      await waitFor(async () => ((await store.runs.list({ resource: 'demo.events', limit: 1 }))[0]?.pages ?? 0) >= 5);
      const sent = Date.now();
      child.kill('SIGTERM');
      const stopped = await child.result;
      expect(Date.now() - sent).toBeLessThan(10_000);
      expect(stopped.code).toBe(130);
      expect(stopped.stderr).toContain('SIGTERM received');
      const [interrupted] = await store.runs.list({ resource: 'demo.events', limit: 1 });
      expect(interrupted?.status).toBe('interrupted');
      expect(interrupted?.checkpoint).not.toBeNull();

      const again = await runCli(['run', '--config', file]);
      expect(again.code, again.stderr).toBe(0);
      const [resumed] = await store.runs.list({ resource: 'demo.events', limit: 1 });
      expect(resumed?.id).toBe(interrupted?.id);
      expect(resumed?.status).toBe('succeeded');
      expect((await tableRows(store, 'events')).map((row) => Number(row.id))).toEqual(events.map((event) => event.id));
    } finally {
      await store.close();
    }
  }, 60_000);
});
