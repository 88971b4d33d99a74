import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { type DemoApiServer, demoDataset, startDemoApi } from 'siphon-sync/demo-api';
import { openStore, type RunRecord } from 'siphon-sync/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './helpers/async.js';
import { runCli, spawnCli } from './helpers/cli.js';
import { createTestDatabase, dialects, type TestDatabase } from './helpers/databases.js';
import { RELIABILITY } from './helpers/reliability.js';

// Readers of a table that a `replace` run is rewriting, and two schedulers
// on one database: what each promises holds while the other side works.
const READS = RELIABILITY.full ? 10_000 : 1_000;

function eventsYaml(database: string, api: DemoApiServer, extra = ''): string {
  return `
database: ${database}
sources:
  demo:
    baseUrl: ${api.url}
    resources:
      events:
        path: /cursor/events
        params: { limit: 25 }
        paginator: { type: cursor, cursorPath: next_cursor, cursorParam: cursor, hasMorePath: has_more }
        records: data
        primaryKey: id
        write: replace
        batchSize: 25
        columns: { id: bigint, amount: "decimal(12,2)" }
${extra}`;
}

/** What a reader sees in one statement: the row count and the sum of the amounts, as exact text. */
interface View {
  readonly rows: number;
  readonly total: string;
}

function expectedView(seed: number, count: number): View {
  const cents = demoDataset({ seed, size: { cursorEvents: count } }).cursorEvents.reduce((sum, e) => sum + Math.round(e.amount * 100), 0);
  return { rows: count, total: (cents / 100).toFixed(2) };
}

function sqliteReader(path: string): { read(): View; close(): void } {
  const db = new Database(path, { readonly: true });
  // SQLite keeps decimals as exact text; sum them as integer cents so the check is exact too.
  const statement = db.prepare(`SELECT count(*) AS rows, sum(CAST(round(CAST(amount AS REAL) * 100) AS INTEGER)) AS cents FROM events`);
  return {
    read() {
      const { rows, cents } = statement.get() as { rows: number; cents: number | null };
      return { rows, total: ((cents ?? 0) / 100).toFixed(2) };
    },
    close: () => db.close(),
  };
}

describe.each(dialects)('a replace run under %s readers', (dialect) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(dialect);
  });
  afterAll(async () => {
    await db.drop();
  });

  it(`${READS} reads while the table is rewritten see the old table or the new one, never a mix`, async () => {
    const before = await startDemoApi({ seed: 21, size: { cursorEvents: 300 } });
    const after = await startDemoApi({ seed: 22, size: { cursorEvents: 400 }, latencyMs: [1, 4] });
    const file = join(db.dir, 'replace.yaml');
    const database = dialect === 'sqlite' ? `sqlite:${join(db.dir, 'replace.db')}` : db.url;
    try {
      writeFileSync(file, eventsYaml(database, before));
      const first = await runCli(['run', '--config', file]);
      expect(first.code, first.stderr).toBe(0);
      const old = expectedView(21, 300);
      const fresh = expectedView(22, 400);

      let read: () => Promise<View>;
      let close: () => Promise<void>;
      if (dialect === 'sqlite') {
        const reader = sqliteReader(join(db.dir, 'replace.db'));
        read = async () => reader.read();
        close = async () => reader.close();
      } else {
        const schema = new URL(database).searchParams.get('schema');
        const client = new pg.Client({ connectionString: database.replace(/[?&]schema=[^&]+/, '') });
        await client.connect();
        read = async () => {
          const result = await client.query<{ rows: string; total: string | null }>(
            `SELECT count(*) AS rows, sum(amount)::text AS total FROM "${schema}".events`,
          );
          const row = result.rows[0] as { rows: string; total: string | null };
          return { rows: Number(row.rows), total: Number(row.total ?? 0).toFixed(2) };
        };
        close = () => client.end();
      }

      writeFileSync(file, eventsYaml(database, after));
      const child = spawnCli(['run', '--config', file]);
      let done = false;
      void child.result.then(() => (done = true));
      const seen = new Map<string, number>();
      let reads = 0;
      try {
        while (!done || reads < READS) {
          const view = await read();
          const key = JSON.stringify(view);
          seen.set(key, (seen.get(key) ?? 0) + 1);
          reads += 1;
          // Yield now and then so the child's output is drained and its exit noticed.
          if (reads % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
        }
      } finally {
        await close();
      }
      const result = await child.result;
      expect(result.code, result.stderr).toBe(0);
      const allowed = new Set([JSON.stringify(old), JSON.stringify(fresh)]);
      expect(
        [...seen.keys()].filter((key) => !allowed.has(key)),
        'partial views',
      ).toEqual([]);
      expect(seen.get(JSON.stringify(fresh))).toBeGreaterThan(0);
      expect(reads).toBeGreaterThanOrEqual(READS);
    } finally {
      await before.close();
      await after.close();
    }
  }, 90_000);
});

describe.each(dialects)('two `siphon start` on one %s database', (dialect) => {
  let db: TestDatabase;
  let api: DemoApiServer;
  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    // Slow pages: each run lasts longer than the schedule's period, so the two schedulers collide on every tick.
    api = await startDemoApi({ seed: 3, size: { cursorEvents: 150 }, latencyMs: 120 });
  });
  afterAll(async () => {
    await api.close();
    await db.drop();
  });

  it('still run each resource once at a time', async () => {
    const file = join(db.dir, 'start.yaml');
    const database = dialect === 'sqlite' ? `sqlite:${join(db.dir, 'start.db')}` : db.url;
    writeFileSync(file, eventsYaml(database, api, '        schedule: "*/2 * * * * *"').replace('write: replace', 'write: merge'));
    const env = { REDIS_URL: undefined };
    const schedulers = [spawnCli(['start', '-c', file, '--no-admin'], { env }), spawnCli(['start', '-c', file, '--no-admin'], { env })];
    const store = await openStore(database);
    try {
      await store.init();
      await waitFor(
        async () => (await store.runs.list({ resource: 'demo.events', limit: 50 })).filter((run) => run.status === 'succeeded').length >= 2,
        60_000,
        'two finished runs',
      ).catch(async (error: unknown) => {
        for (const child of schedulers) child.kill('SIGTERM');
        const outputs = await Promise.all(schedulers.map((child) => child.result));
        const history = await store.runs.list({ resource: 'demo.events', limit: 50 });
        throw new Error(
          `${String(error)}\n${outputs.map((output) => `${output.stdout}${output.stderr}`).join('\n---\n')}\n${JSON.stringify(history)}`,
        );
      });
      for (const child of schedulers) child.kill('SIGTERM');
      const results = await Promise.all(schedulers.map((child) => child.result));
      for (const result of results) expect(result.code, result.stderr).toBe(0);

      const runs = (await store.runs.list({ resource: 'demo.events', limit: 100 })).filter((run) => run.status !== 'skipped');
      const intervals = runs
        .map((run: RunRecord) => [Date.parse(run.startedAt), Date.parse(run.finishedAt ?? new Date().toISOString())] as const)
        .sort((a, b) => a[0] - b[0]);
      for (let index = 1; index < intervals.length; index += 1) {
        const [start] = intervals[index] as readonly [number, number];
        const [, previousEnd] = intervals[index - 1] as readonly [number, number];
        expect(start, `run ${index} started before run ${index - 1} ended`).toBeGreaterThanOrEqual(previousEnd);
      }
      // Both schedulers fire on every tick: the one that lost it recorded a skip.
      expect(runs.length).toBeGreaterThanOrEqual(2);
      expect((await store.runs.list({ resource: 'demo.events', limit: 100 })).some((run) => run.status === 'skipped')).toBe(true);
    } finally {
      await store.close();
      for (const child of schedulers) child.kill('SIGKILL');
    }
  }, 90_000);
});
