import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { loadConfig, parseConfig } from 'siphon-sync';
import { type DemoApiServer, demoDataset, startDemoApi } from 'siphon-sync/demo-api';
import type { RunRecord } from 'siphon-sync/store';
import { openStore, type Store } from 'siphon-sync/store';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  enqueueRun,
  QUEUE_NAME,
  type RunData,
  type RunResult,
  type SiphonJobData,
  syncSchedules,
} from '../src/runtime/distributed/index.js';
import { tableRows } from './helpers/async.js';
import { runCli } from './helpers/cli.js';
import { createTestDatabase, type TestDatabase } from './helpers/databases.js';
import { connectRedis, describeWithRedis, dropPrefix, REDIS_URL, uniquePrefix } from './helpers/redis.js';
import { startWorkers, stopWorkers, type WorkerProcess, waitFor } from './helpers/workers.js';

// Real `siphon worker` processes sharing a real Redis queue and PostgreSQL
// schema. Each test has its own queue prefix, dropped afterwards.

const prefixes: string[] = [];
const databases: TestDatabase[] = [];
let redis: Redis;
const running: WorkerProcess[] = [];

beforeAll(() => {
  redis = connectRedis();
});
afterAll(async () => {
  // Only the workers these tests started, by pid.
  for (const worker of running) if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
  redis.disconnect();
  for (const prefix of prefixes) await dropPrefix(prefix);
  for (const db of databases) await db.drop();
});

async function setup(label: string): Promise<{ prefix: string; db: TestDatabase; store: Store; queue: Queue<SiphonJobData> }> {
  const prefix = uniquePrefix(label);
  prefixes.push(prefix);
  const db = await createTestDatabase('postgres');
  databases.push(db);
  const store = await openStore(db.url);
  await store.init();
  const queue = new Queue<SiphonJobData>(QUEUE_NAME, { connection: redis, prefix });
  return { prefix, db, store, queue };
}

async function launch(count: number, file: string, prefix: string, concurrency?: number): Promise<WorkerProcess[]> {
  const workers = await startWorkers(count, file, prefix, concurrency);
  running.push(...workers);
  return workers;
}

async function allRuns(store: Store, resource: string): Promise<RunRecord[]> {
  return (await store.runs.list({ resource, limit: 100_000 })).sort((a, b) => a.id - b.id);
}

describeWithRedis('distributed mode (3 worker processes)', () => {
  let api: DemoApiServer;
  beforeAll(async () => {
    api = await startDemoApi({ seed: 5, size: { cursorEvents: 250, posts: 100, users: 10 }, latencyMs: 5 });
  });
  afterAll(async () => {
    await api.close();
  });

  it('(a) 20 resources on 1-second schedules: no overlapping runs, no tick run twice', async () => {
    const { prefix, db, store, queue } = await setup('sched');
    const kinds = [
      `path: /cursor/events
        params: { limit: 50 }
        paginator: { type: cursor, cursorPath: next_cursor, cursorParam: cursor, hasMorePath: has_more }
        records: data`,
      `path: /posts
        params: { _limit: 25 }
        paginator: { type: offset, offsetParam: _start, limitParam: _limit }`,
      `path: /users
        paginator: single`,
    ];
    const resources = Array.from(
      { length: 20 },
      (_, i) => `      r${i}:
        ${kinds[i % kinds.length]}
        primaryKey: id
        table: t${i}
        schedule: "* * * * * *"
        columns: { id: bigint }`,
    ).join('\n');
    const file = join(db.dir, 'schedules.yaml');
    writeFileSync(file, `database: ${db.url}\nsources:\n  demo:\n    baseUrl: ${api.url}\n    resources:\n${resources}\n`);
    const ids = Array.from({ length: 20 }, (_, i) => `demo.r${i}`);

    const workers = await launch(3, file, prefix, 8);
    const started = Date.now();
    const durationMs = 30_000;
    await new Promise((resolve) => setTimeout(resolve, durationMs));
    const exits = await stopWorkers(workers);
    for (const exit of exits) expect(exit.code, exit.stderr).toBe(0);

    let total = 0;
    let skipped = 0;
    let failed = 0;
    let overlaps = 0;
    let sameSecond = 0;
    for (const id of ids) {
      const runs = await allRuns(store, id);
      total += runs.length;
      skipped += runs.filter((run) => run.status === 'skipped').length;
      failed += runs.filter((run) => run.status === 'failed').length;
      const real = runs.filter((run) => run.status !== 'skipped').sort((a, b) => a.startedAt.localeCompare(b.startedAt));
      // Every resource ran many times, each run finished (SIGTERM lets them end).
      expect(real.length, id).toBeGreaterThanOrEqual(5);
      for (const run of real) expect(run.finishedAt, `${id} run ${run.id}`).not.toBeNull();
      for (let i = 1; i < real.length; i += 1) {
        const previous = real[i - 1] as RunRecord;
        const run = real[i] as RunRecord;
        if (Date.parse(previous.finishedAt as string) >= Date.parse(run.startedAt)) overlaps += 1;
        if (Math.floor(Date.parse(previous.startedAt) / 1000) === Math.floor(Date.parse(run.startedAt) / 1000)) sameSecond += 1;
      }
    }

    // The queue's own record: each run job names the tick it came from.
    const jobs = (await queue.getJobs(['completed', 'failed'], 0, -1)).filter((job) => job.name === 'run');
    const ticks = new Map<string, number>();
    let maxTickLatencyMs = 0;
    for (const job of jobs) {
      const data = job.data as RunData;
      const key = `${data.resource}@${data.tick}`;
      ticks.set(key, (ticks.get(key) ?? 0) + 1);
      if (data.tick !== undefined && job.processedOn !== undefined)
        maxTickLatencyMs = Math.max(maxTickLatencyMs, job.processedOn - data.tick);
    }
    const duplicateTicks = [...ticks.values()].filter((count) => count > 1).length;
    const runIds = jobs.map((job) => (job.returnvalue as RunResult | undefined)?.runId).filter((id) => id !== undefined);
    const byWorker = new Map<string, number>();
    for (const id of ids)
      for (const run of await allRuns(store, id)) byWorker.set(run.worker ?? '?', (byWorker.get(run.worker ?? '?') ?? 0) + 1);

    console.log(
      `(a) ${((Date.now() - started) / 1000).toFixed(1)} s: ${total} runs (${skipped} skipped, ${failed} failed), ${jobs.length} run jobs, ` +
        `overlaps ${overlaps}, same-second starts ${sameSecond}, duplicate ticks ${duplicateTicks}, ` +
        `max tick→run-job latency ${maxTickLatencyMs} ms, runs per worker ${JSON.stringify([...byWorker.values()])}`,
    );
    expect(overlaps).toBe(0);
    expect(duplicateTicks).toBe(0);
    expect(sameSecond).toBe(0);
    expect(failed).toBe(0);
    // One run record per run job: no job ran its resource twice.
    expect(new Set(runIds).size).toBe(runIds.length);
    // All three workers took runs.
    expect([...byWorker.keys()].filter((worker) => workers.some((w) => worker.endsWith(`:${w.pid}`))).length).toBe(3);
    // The schedulers are in Redis, one per resource.
    expect((await queue.getJobSchedulers(0, -1)).map((scheduler) => scheduler.key ?? scheduler.id).sort()).toEqual([...ids].sort());
    await store.close();
  }, 90_000);
});

describeWithRedis('distributed mode: a worker killed mid-run', () => {
  const seed = 11;
  const events = demoDataset({ seed, size: { cursorEvents: 800 } }).cursorEvents;
  let api: DemoApiServer;
  beforeAll(async () => {
    api = await startDemoApi({ seed, size: { cursorEvents: 800 }, latencyMs: 40 });
  });
  afterAll(async () => {
    await api.close();
  });

  it('(b) another worker resumes the run from its checkpoint: same run, attempt 2, exact table', async () => {
    const { prefix, db, store, queue } = await setup('kill');
    const file = join(db.dir, 'kill.yaml');
    writeFileSync(
      file,
      `
database: ${db.url}
sources:
  demo:
    baseUrl: ${api.url}
    resources:
      events:
        path: /cursor/events
        params: { limit: 20 }
        paginator: { type: cursor, cursorPath: next_cursor, cursorParam: cursor, hasMorePath: has_more }
        records: data
        primaryKey: id
        write: merge
        batchSize: 20
        columns:
          id: bigint
          amount: decimal(12,2)
          occurred_at: timestamp
`,
    );
    const config = await loadConfig({ file });
    const workers = await launch(3, file, prefix);
    const job = await enqueueRun(queue, config.resources[0] as (typeof config.resources)[number], { trigger: 'manual' });

    await waitFor(
      async () => {
        const [run] = await store.runs.list({ resource: 'demo.events', limit: 1 });
        return run?.status === 'running' && run.pages >= 8;
      },
      20_000,
      'the run to be 8 pages in',
    );
    const [dead] = await store.runs.list({ resource: 'demo.events', limit: 1 });
    const victim = workers.find((worker) => dead?.worker?.endsWith(`:${worker.pid}`));
    expect(victim, `run worker ${dead?.worker}`).toBeDefined();
    victim?.child.kill('SIGKILL');
    const killedAt = Date.now();
    expect((await victim?.child.result)?.signal).toBe('SIGKILL');
    const [afterKill] = await store.runs.list({ resource: 'demo.events', limit: 1 });
    const before = api.stats();

    await waitFor(async () => (await store.runs.get(dead?.id ?? -1))?.status === 'succeeded', 30_000, 'the run to be resumed and finished');
    const recoveredInMs = Date.now() - killedAt;
    const resumed = await store.runs.get(dead?.id ?? -1);
    const after = api.stats();
    expect(resumed?.attempt).toBe(2);
    expect(resumed?.trigger).toBe('recovery');
    expect(resumed?.records).toBe(events.length);
    expect(resumed?.worker).not.toBe(dead?.worker);
    // Only one run of the resource exists: nothing started over.
    expect((await allRuns(store, 'demo.events')).map((run) => run.id)).toEqual([dead?.id]);
    // The resumed attempt walked on from the checkpoint: at most the page in flight was fetched again.
    const refetched = after.refetched - before.refetched;
    const requests = after.requests - before.requests;
    expect(refetched).toBeLessThanOrEqual(2);
    expect(requests).toBeLessThanOrEqual(40 - (afterKill?.pages ?? 0) + 2);

    const rows = await tableRows(store, 'events');
    expect(rows.map((row) => Number(row.id)).sort((a, b) => a - b)).toEqual(events.map((event) => event.id));
    const byId = new Map(rows.map((row) => [Number(row.id), row]));
    for (const event of events) expect(byId.get(event.id)?.amount).toBe(Number(event.amount).toFixed(2));

    // BullMQ's view: the job completed after one stall, with the same run id.
    await waitFor(async () => (await queue.getJob(job.id as string))?.finishedOn !== undefined, 5000, 'the job to complete');
    const finished = await queue.getJob(job.id as string);
    expect((finished?.returnvalue as RunResult | undefined)?.runId).toBe(dead?.id);
    expect(finished?.attemptsStarted).toBe(2);
    console.log(
      `(b) killed pid ${victim?.pid} at page ${afterKill?.pages}/40; run ${dead?.id} resumed by ${resumed?.worker} as attempt ${resumed?.attempt} ` +
        `${(recoveredInMs / 1000).toFixed(1)} s later; ${requests} requests after the kill, ${refetched} refetched`,
    );
    const exits = await stopWorkers(workers.filter((worker) => worker !== victim));
    for (const exit of exits) expect(exit.code, exit.stderr).toBe(0);
    await store.close();
  }, 90_000);
});

describeWithRedis('distributed mode: one rate limit shared by 3 workers', () => {
  const limit = { requests: 8, perMs: 1000 };
  let api: DemoApiServer;
  beforeAll(async () => {
    api = await startDemoApi({
      seed: 3,
      size: { cursorEvents: 250, posts: 100, comments: 500, users: 10 },
      rateLimit: { ...limit, window: 'sliding' },
      latencyMs: [5, 30],
    });
  });
  afterAll(async () => {
    await api.close();
  });

  it('(c) the API never refuses a request and never sees more than its limit in a window', async () => {
    const { prefix, db, store, queue } = await setup('rate');
    const cursor = (size: number): string => `path: /cursor/events
        params: { limit: ${size} }
        paginator: { type: cursor, cursorPath: next_cursor, cursorParam: cursor, hasMorePath: has_more }
        records: data`;
    const offset = (path: string, size: number): string => `path: ${path}
        params: { _limit: ${size} }
        paginator: { type: offset, offsetParam: _start, limitParam: _limit }`;
    const kinds = [
      cursor(25),
      cursor(50),
      offset('/posts', 10),
      offset('/comments', 50),
      offset('/posts', 20),
      'path: /users\n        paginator: single',
    ];
    const resources = kinds
      .map((kind, i) => `      r${i}:\n        ${kind}\n        primaryKey: id\n        table: t${i}\n        columns: { id: bigint }`)
      .join('\n');
    const file = join(db.dir, 'rate.yaml');
    writeFileSync(
      file,
      `database: ${db.url}\nsources:\n  demo:\n    baseUrl: ${api.url}\n    rateLimit: { requests: ${limit.requests}, per: ${limit.perMs}ms }\n    resources:\n${resources}\n`,
    );
    const config = await loadConfig({ file });
    const workers = await launch(3, file, prefix, 2);
    api.resetStats();
    const started = Date.now();
    for (const resource of config.resources) await enqueueRun(queue, resource, { trigger: 'manual' });
    await waitFor(
      async () => {
        for (const resource of config.resources)
          if ((await store.runs.list({ resource: resource.id, limit: 1 }))[0]?.status !== 'succeeded') return false;
        return true;
      },
      60_000,
      'every run to succeed',
    );
    const elapsed = Date.now() - started;
    const stats = api.stats();
    const workersUsed = new Set<string>();
    for (const resource of config.resources)
      workersUsed.add((await store.runs.list({ resource: resource.id, limit: 1 }))[0]?.worker ?? '?');
    console.log(
      `(c) ${stats.requests} requests in ${(elapsed / 1000).toFixed(1)} s by ${workersUsed.size} workers: rejected ${stats.rejected}, ` +
        `maxInWindow(${limit.perMs}) ${api.maxInWindow(limit.perMs)} (limit ${limit.requests})`,
    );
    expect(stats.rejected).toBe(0);
    expect(api.maxInWindow(limit.perMs)).toBeLessThanOrEqual(limit.requests);
    expect(workersUsed.size).toBeGreaterThan(1);
    // The limit was what paced the walks: at most `requests` per second.
    expect(elapsed).toBeGreaterThanOrEqual(((stats.requests - limit.requests) / limit.requests) * limit.perMs);
    const exits = await stopWorkers(workers);
    for (const exit of exits) expect(exit.code, exit.stderr).toBe(0);
    await store.close();
  }, 90_000);
});

describeWithRedis('distributed mode: configuration errors', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    databases.push(db);
  });

  it('(d) SQLite with REDIS_URL is a clear error, before anything connects', async () => {
    const file = join(db.dir, 'sqlite.yaml');
    writeFileSync(
      file,
      `database: sqlite:${join(db.dir, 'x.db')}\nsources:\n  demo:\n    baseUrl: http://127.0.0.1:9\n    resources:\n      r:\n        path: /r\n        schedule: "* * * * *"\n`,
    );
    const result = await runCli(['worker', '--config', file], { env: { REDIS_URL } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'database: the distributed mode (REDIS_URL) needs PostgreSQL: workers on other machines write to it; set database to postgres://',
    );

    const missing = await runCli(['worker', '--config', file], { env: { REDIS_URL: '' } });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('REDIS_URL: siphon worker needs REDIS_URL');
  });
});

describeWithRedis('distributed mode: Redis connection loss', () => {
  let api: DemoApiServer;
  beforeAll(async () => {
    api = await startDemoApi({ seed: 2, size: { users: 10 } });
  });
  afterAll(async () => {
    await api.close();
  });

  it('(e) a worker whose Redis connections are dropped reconnects and keeps running schedules', async () => {
    const { prefix, db, store } = await setup('reconnect');
    const file = join(db.dir, 'reconnect.yaml');
    writeFileSync(
      file,
      `database: ${db.url}\nsources:\n  demo:\n    baseUrl: ${api.url}\n    resources:\n      users:\n        path: /users\n        paginator: single\n        primaryKey: id\n        schedule: "* * * * * *"\n        columns: { id: bigint }\n`,
    );
    const workers = await launch(1, file, prefix, 2);
    const succeeded = async (after: number): Promise<number> =>
      (await allRuns(store, 'demo.users')).filter((run) => run.status === 'succeeded' && Date.parse(run.startedAt) > after).length;
    await waitFor(async () => (await succeeded(0)) >= 2, 20_000, 'first runs');

    // Drop every connection of this worker (they carry the test's prefix in their name), as a Redis restart would.
    const clients = String(await redis.call('CLIENT', 'LIST'))
      .split('\n')
      .filter((line) => line.includes(`name=${prefix}:`));
    expect(clients.length).toBeGreaterThan(0);
    for (const line of clients) {
      const id = /\bid=(\d+)/.exec(line)?.[1];
      if (id) await redis.call('CLIENT', 'KILL', 'ID', id);
    }
    const droppedAt = Date.now();
    await waitFor(async () => (await succeeded(droppedAt + 500)) >= 2, 30_000, 'runs after the reconnection');
    const [exit] = await stopWorkers(workers);
    expect(exit?.code, exit?.stderr).toBe(0);
  }, 90_000);
});

describeWithRedis('distributed mode: schedules follow the config', () => {
  it('(f) upserts with the time zone, re-upserts a lost one, removes those that left the config', async () => {
    const prefix = uniquePrefix('schedules');
    prefixes.push(prefix);
    const queue = new Queue<SiphonJobData>(QUEUE_NAME, { connection: redis, prefix });
    const config = (schedules: Record<string, string>) =>
      parseConfig({
        database: 'postgres://postgres@127.0.0.1:5432/test',
        timezone: 'Europe/Paris',
        sources: {
          s: {
            baseUrl: 'http://127.0.0.1:9',
            resources: Object.fromEntries(Object.entries(schedules).map(([name, schedule]) => [name, { path: `/${name}`, schedule }])),
          },
        },
      });
    const byId = async () =>
      new Map((await queue.getJobSchedulers(0, -1, true)).map((scheduler) => [scheduler.id ?? scheduler.key, scheduler]));

    await syncSchedules(queue, config({ a: '*/5 * * * *', b: '0 * * * *', c: '30 2 * * *' }));
    let now = await byId();
    expect([...now.keys()].sort()).toEqual(['s.a', 's.b', 's.c']);
    expect(now.get('s.c')).toMatchObject({ pattern: '30 2 * * *', tz: 'Europe/Paris' });

    await queue.removeJobScheduler('s.b'); // lost, e.g. Redis flushed
    const second = await syncSchedules(queue, config({ a: '*/5 * * * *', b: '0 * * * *', c: '45 3 * * *' }));
    expect(second.removed).toEqual([]);
    now = await byId();
    expect([...now.keys()].sort()).toEqual(['s.a', 's.b', 's.c']);
    expect(now.get('s.c')?.pattern).toBe('45 3 * * *');

    const third = await syncSchedules(queue, config({ a: '*/5 * * * *' }));
    expect([...third.removed].sort()).toEqual(['s.b', 's.c']);
    expect([...(await byId()).keys()]).toEqual(['s.a']);
    await queue.close();
  });
});
