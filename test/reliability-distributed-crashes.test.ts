import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { loadConfig } from 'siphon-sync';
import { demoDataset, startDemoApi } from 'siphon-sync/demo-api';
import { openStore, type RunRecord } from 'siphon-sync/store';
import { afterAll, beforeAll, it } from 'vitest';
import { enqueueRun, QUEUE_NAME, type SiphonJobData } from '../src/runtime/distributed/index.js';
import { sleep, tableRows } from './helpers/async.js';
import { runCli } from './helpers/cli.js';
import { cursorEventsYaml, seededRandom } from './helpers/cursor-events.js';
import { createTestDatabase, type TestDatabase } from './helpers/databases.js';
import { connectRedis, describeWithRedis, dropPrefix, uniquePrefix } from './helpers/redis.js';
import { RELIABILITY } from './helpers/reliability.js';
import { startWorkers, type WorkerProcess, waitFor } from './helpers/workers.js';

// The distributed half of the crash suite: the `siphon worker` running a
// sync is SIGKILLed at random points, again and again, while another worker
// is left to take the job over (BullMQ's stalled-job recovery, then the
// resource lease once the dead worker's expires). The run must end exact —
// no row lost or repeated, append included — and each crash may cost at most
// the batch being written and the page read ahead. The points come from a
// seed printed with any failure (SIPHON_CRASH_SEED replays it).
const KILLS = RELIABILITY.full ? 10 : 2;
const RECORDS = RELIABILITY.full ? 5_000 : 600;
const PAGE = 20;
const BATCH_PAGES = 1;
const seed = Number(process.env.SIPHON_CRASH_SEED ?? Date.now() % 100_000);
const size = { cursorEvents: RECORDS };
const events = demoDataset({ seed: 7, size }).cursorEvents;
// Each kill is a recovery of the same job: BullMQ fails a job recovered more often than this.
const env = { SIPHON_MAX_STALLED_COUNT: String(KILLS + 2) };

const running: WorkerProcess[] = [];
const prefixes: string[] = [];
let redis: Redis;
let db: TestDatabase;

beforeAll(async () => {
  redis = connectRedis();
  db = await createTestDatabase('postgres');
});
afterAll(async () => {
  // Only the workers this file started, by pid.
  for (const worker of running) if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
  await Promise.all(running.map((worker) => worker.child.result));
  redis.disconnect();
  for (const prefix of prefixes) await dropPrefix(prefix);
  await db.drop();
});

describeWithRedis(`distributed: the running worker SIGKILLed at ${KILLS} random points (seed ${seed})`, () => {
  it.concurrent.for(['replace', 'merge', 'append'] as const)(
    '%s: another worker takes over; the table ends exact, each crash costs at most one batch',
    { timeout: RELIABILITY.full ? 3_600_000 : 120_000 },
    async (write, { expect }) => {
      // Latency so a kill can land between, during and after pages.
      const api = await startDemoApi({ seed: 7, size, latencyMs: [5, 25] });
      const pick = seededRandom(seed + write.length);
      const prefix = uniquePrefix(`crash-${write}`);
      prefixes.push(prefix);
      const database = db.url.replace(/schema=[^&]+/, (m) => `${m}_${write}`);
      const file = join(db.dir, `${write}.yaml`);
      writeFileSync(file, cursorEventsYaml({ baseUrl: api.url, database, write, page: PAGE, batchSize: PAGE * BATCH_PAGES }));
      const store = await openStore(database);
      const queue = new Queue<SiphonJobData>(QUEUE_NAME, { connection: redis, prefix });
      try {
        await store.init();
        if (write === 'replace') {
          // Readers must see all of the last good table through every crash.
          const first = await runCli(['run', '--config', file]);
          expect(first.code, first.stderr).toBe(0);
        }
        const workers = await startWorkers(2, file, prefix, 2, env);
        running.push(...workers);
        const config = await loadConfig({ file });
        api.resetStats();
        await enqueueRun(queue, config.resources[0] as (typeof config.resources)[number], { trigger: 'manual' });
        const latest = async (): Promise<RunRecord | undefined> => (await store.runs.list({ resource: 'demo.events', limit: 1 }))[0];
        await waitFor(async () => (await latest())?.status === 'running', 30_000, 'the run to start');
        const runId = (await latest())?.id as number;
        const totalPages = Math.ceil(RECORDS / PAGE);
        let crashes = 0;
        const spares: Promise<void>[] = [];
        for (let kill = 0; kill < KILLS; kill += 1) {
          const before = (await store.runs.get(runId))?.pages ?? 0;
          // A point past the pages already committed, then a random few milliseconds more.
          const target = before + 1 + Math.floor(pick() * Math.max(1, (totalPages - before) / (KILLS - kill + 1)));
          let finished = false;
          await waitFor(
            async () => {
              const run = await store.runs.get(runId);
              finished = run?.status === 'succeeded';
              return finished || (run?.status === 'running' && run.pages >= target);
            },
            60_000,
            `page ${target} (after ${crashes} crashes)`,
          );
          if (finished) break;
          await sleep(Math.floor(pick() * 15));
          const holder = (await store.runs.get(runId))?.worker;
          // A spare may take the job over in the moment before it has said it started.
          const find = (): WorkerProcess | undefined => running.find((worker) => holder?.endsWith(`:${worker.pid}`));
          await waitFor(() => find() !== undefined, 30_000, `the worker of run ${runId} (${holder}) to be known`).catch(() => undefined);
          const victim = find();
          expect(victim, `the worker of run ${runId}: ${holder}`).toBeDefined();
          victim?.child.kill('SIGKILL');
          if ((await victim?.child.result)?.signal === 'SIGKILL') crashes += 1;
          if (write === 'replace') expect((await tableRows(store, 'events')).length, `after crash ${crashes}`).toBe(events.length);
          // Another worker for the next crash: one is always left to take over. Not awaited: the one left
          // resumes the run meanwhile, and may be the next victim before the newcomer has started.
          const spare = startWorkers(1, file, prefix, 2, env).then((started) => void running.push(...started));
          // Awaited after the loop; a failure before that must not surface as an unhandled rejection.
          spare.catch(() => undefined);
          spares.push(spare);
        }
        await Promise.all(spares);
        await waitFor(async () => (await store.runs.get(runId))?.status === 'succeeded', 90_000, `run ${runId} to succeed`);
        const run = await store.runs.get(runId);
        expect(run?.records).toBe(events.length);
        expect(run?.attempt).toBe(crashes + 1);
        expect(crashes).toBeGreaterThan(0);
        // Nothing started over: the one run was resumed each time.
        const runs = await store.runs.list({ resource: 'demo.events', limit: 100 });
        expect(runs.filter((other) => other.id > runId)).toEqual([]);

        const rows = await tableRows(store, 'events');
        // Exactly once each: an append table has no key to hide a repeat.
        expect(rows.map((row) => Number(row.id)).sort((a, b) => a - b)).toEqual(events.map((event) => event.id));
        const amounts = new Map(rows.map((row) => [Number(row.id), String(row.amount)]));
        for (const event of events) expect(amounts.get(event.id)).toBe(event.amount.toFixed(2));
        // A crash loses at most the batch it was writing and the one page the walk reads ahead of it.
        const { refetched, requests } = api.stats();
        expect(refetched).toBeLessThanOrEqual(crashes * (BATCH_PAGES + 1));
        console.log(`${write}: ${crashes} crashes, ${requests} requests for ${totalPages} pages, ${refetched} fetched again`);
      } finally {
        await queue.close();
        await store.close();
        await api.close();
      }
    },
  );
});
