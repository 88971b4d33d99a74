import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { loadConfig, RedisUnavailableError } from 'siphon-sync';
import { demoDataset, startDemoApi } from 'siphon-sync/demo-api';
import { RedisSlidingWindowBudget } from 'siphon-sync/distributed';
import { openStore } from 'siphon-sync/store';
import { afterAll, beforeAll, it } from 'vitest';
import { enqueueRun, QUEUE_NAME, type RunResult, type SiphonJobData } from '../src/runtime/distributed/index.js';
import { createRedisConnection } from '../src/runtime/distributed/redis-connection.js';
import { tableRows } from './helpers/async.js';
import { cursorEventsYaml } from './helpers/cursor-events.js';
import { createTestDatabase, type TestDatabase } from './helpers/databases.js';
import { describeWithRedis, uniquePrefix } from './helpers/redis.js';
import { RELIABILITY } from './helpers/reliability.js';
import { startWorkers, stopWorkers, type WorkerProcess, waitFor } from './helpers/workers.js';
import { type RedisServer, startRedisServer } from './setup/start-redis-server.js';

// Redis restarted in the middle of a distributed run: a private redis-server
// (never the shared one other tests use), with an append-only file as a
// BullMQ deployment should have, stopped and started again on the same port
// while a worker walks a rate-limited source. The run must complete, exact,
// as the one attempt it was: the worker's job lock and the shared rate
// budget wait for Redis to come back instead of failing it.
const RECORDS = RELIABILITY.full ? 5_000 : 600;
const RESTARTS = RELIABILITY.full ? 5 : 1;
const PAGE = 20;
const LIMIT = { requests: RELIABILITY.full ? 50 : 10, perMs: 1000 };
const size = { cursorEvents: RECORDS };
const events = demoDataset({ seed: 13, size }).cursorEvents;

let server: RedisServer;
let dir: string;
let db: TestDatabase;
const running: WorkerProcess[] = [];

// describeWithRedis: it needs redis-server on PATH, which is what the Redis suites fall back on too.
describeWithRedis(`Redis restarted ${RESTARTS} time(s) during a distributed run`, () => {
  // Inside the suite: without Redis it is skipped, and its private redis-server is never started.
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'siphon-test-'));
    const started = await startRedisServer({ appendOnlyDir: dir });
    if (typeof started === 'string') throw new Error(started);
    server = started;
    db = await createTestDatabase('postgres');
  });
  afterAll(async () => {
    // Only the workers this file started, by pid.
    for (const worker of running) if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
    await server?.stop();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it.for(['merge', 'append'] as const)(
    '%s: the run completes as one attempt, exact, within the rate limit, nothing fetched twice',
    { timeout: RELIABILITY.full ? 1_800_000 : 150_000 },
    async (write, { expect }) => {
      const api = await startDemoApi({ seed: 13, size, latencyMs: [5, 20], rateLimit: { ...LIMIT, window: 'sliding' } });
      const prefix = uniquePrefix(`restart-${write}`);
      const database = db.url.replace(/schema=[^&]+/, (m) => `${m}_${write}`);
      const file = join(dir, `${write}.yaml`);
      writeFileSync(
        file,
        cursorEventsYaml({
          baseUrl: api.url,
          database,
          write,
          page: PAGE,
          sourceLines: [`rateLimit: { requests: ${LIMIT.requests}, per: ${LIMIT.perMs}ms }`],
        }),
      );
      const store = await openStore(database);
      const redis = new Redis(server.url, { maxRetriesPerRequest: null });
      redis.on('error', () => undefined);
      const queue = new Queue<SiphonJobData>(QUEUE_NAME, { connection: redis, prefix });
      queue.on('error', () => undefined);
      try {
        await store.init();
        const workers = await startWorkers(2, file, prefix, 2, { REDIS_URL: server.url });
        running.push(...workers);
        const config = await loadConfig({ file });
        const job = await enqueueRun(queue, config.resources[0] as (typeof config.resources)[number], { trigger: 'manual' });
        const totalPages = Math.ceil(RECORDS / PAGE);
        for (let restart = 1; restart <= RESTARTS; restart += 1) {
          const at = Math.floor((totalPages * restart) / (RESTARTS + 1));
          await waitFor(
            async () => {
              const [run] = await store.runs.list({ resource: 'demo.events', limit: 1 });
              return run?.status === 'running' && run.pages >= at;
            },
            60_000,
            `page ${at}`,
          );
          // Down for a while: several reconnects refused, budget calls waiting.
          await server.restart(1500);
        }
        await waitFor(
          async () => (await store.runs.list({ resource: 'demo.events', limit: 1 }))[0]?.status === 'succeeded',
          60_000,
          'the run to succeed',
        );
        const runs = await store.runs.list({ resource: 'demo.events', limit: 10 });
        expect(runs.map((run) => [run.status, run.attempt, run.records])).toEqual([['succeeded', 1, events.length]]);
        const rows = await tableRows(store, 'events');
        // Exactly once each: an append table has no key to hide a repeat.
        expect(rows.map((row) => Number(row.id)).sort((a, b) => a - b)).toEqual(events.map((event) => event.id));
        const amounts = new Map(rows.map((row) => [Number(row.id), String(row.amount)]));
        for (const event of events) expect(amounts.get(event.id)).toBe(event.amount.toFixed(2));
        const stats = api.stats();
        expect(stats.refetched).toBe(0);
        // The shared budget held across the restart: the append-only file kept its window.
        expect(stats.rejected).toBe(0);
        expect(api.maxInWindow(LIMIT.perMs)).toBeLessThanOrEqual(LIMIT.requests);
        // BullMQ's record survived too: the job completed once, with the run's id.
        await waitFor(async () => (await queue.getJob(job.id as string))?.finishedOn !== undefined, 20_000, 'the job to complete');
        const finished = await queue.getJob(job.id as string);
        expect((finished?.returnvalue as RunResult | undefined)?.runId).toBe(runs[0]?.id);
        expect(finished?.attemptsStarted).toBe(1);
        // A worker whose blocking connection was cut by the restart can take over 15 s to close on a loaded
        // machine (BullMQ waits out its reconnect and blocking read); it must still close, and exit 0.
        const exits = await stopWorkers(workers, 45_000);
        for (const exit of exits) expect(exit.code, exit.stderr).toBe(0);
        console.log(
          `${write}: ${RESTARTS} restart(s), ${stats.requests} requests for ${totalPages} pages, max in window ${api.maxInWindow(LIMIT.perMs)}`,
        );
      } finally {
        await queue.close();
        redis.disconnect();
        await store.close();
        await api.close();
      }
    },
  );
});

describeWithRedis('the shared rate budget through a Redis outage', () => {
  let alone: RedisServer;
  beforeAll(async () => {
    const started = await startRedisServer();
    if (typeof started === 'string') throw new Error(started);
    alone = started;
  });
  afterAll(async () => {
    await alone?.stop();
  });

  // Both kinds of connection: the runtime's, which queues commands while Redis is away, and one that fails them after a reconnect.
  it.for([
    ['the runtime connection', () => createRedisConnection(alone.url, 'budget-test', () => undefined)],
    ['a connection failing commands', () => new Redis(alone.url, { maxRetriesPerRequest: 1 }).on('error', () => undefined)],
  ] as const)(
    'a grant asked for during a restart waits for Redis and is granted (%s)',
    { timeout: 30_000 },
    async ([, connect], { expect }) => {
      const redis = connect();
      const budget = new RedisSlidingWindowBudget({
        redis,
        prefix: uniquePrefix('outage'),
        source: 'api',
        requests: 100,
        per: '1s',
        outageMs: 20_000,
      });
      try {
        await budget.acquire();
        const restarted = alone.restart(1500);
        // Let the stop begin: the grant is asked for while Redis is down.
        await new Promise((resolve) => setTimeout(resolve, 300));
        await expect(budget.acquire()).resolves.toBeGreaterThanOrEqual(0);
        await restarted;
      } finally {
        await budget.close();
        redis.disconnect();
      }
    },
  );

  it('Redis gone for longer than outageMs: the grant fails with RedisUnavailableError, not a wait without end', async ({ expect }) => {
    const redis = createRedisConnection(alone.url, 'budget-test', () => undefined);
    const budget = new RedisSlidingWindowBudget({
      redis,
      prefix: uniquePrefix('gone'),
      source: 'api',
      requests: 100,
      per: '1s',
      outageMs: 1500,
    });
    try {
      await budget.acquire();
      await alone.stop();
      const started = Date.now();
      const error = await budget.acquire().catch((caught: unknown) => caught);
      const waited = Date.now() - started;
      expect(error).toBeInstanceOf(RedisUnavailableError);
      expect((error as Error).message).toMatch(/rate budget of source api: Redis did not answer for 2 s/);
      expect((error as RedisUnavailableError).retryable).toBe(true);
      // It waited the outage out first (a timer may fire a little early, never much).
      expect(waited).toBeGreaterThanOrEqual(1400);
    } finally {
      await budget.close();
      redis.disconnect();
    }
  }, 30_000);
});
