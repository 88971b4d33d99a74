// Goal 8: many resources. 10,000 resources every 5 minutes on 20 workers is
// 33 runs/s; this measures what a run costs in distributed mode and where:
// 500 one-page resources (--quick: 100) enqueued at once for 3 `siphon
// worker`-like processes sharing Redis and one PostgreSQL schema, each
// process's store and HTTP requests timed, the PostgreSQL backends' and
// Redis's CPU read around it. Baseline in the same run: the same resources
// in one process without the queue, 4 at a time as one worker runs them.
// The figure passes when 3 workers reach their share of the 33 runs/s
// (3/20 of it); the note carries the split docs/performance.md reasons from.
// BENCH_VERBOSE=1 also prints each store method's calls and mean time.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { parseConfig, type ResolvedConfig } from 'siphon-sync';
import { startDemoApi } from 'siphon-sync/demo-api';
import { openStore, type Store } from 'siphon-sync/store';
import { syncResources } from 'siphon-sync/sync';
import { runJobOptions } from '../../src/runtime/distributed/enqueue-run.js';
import { QUEUE_NAME, RUN_JOB, type SiphonJobData } from '../../src/runtime/distributed/job-data.js';
import { POSTGRES } from '../harness/coins-source.js';
import { type Figure, ms, perSecond, type Scenario } from '../harness/figure.js';
import { timeRequests } from '../harness/request-timer.js';
import { mergeTimes, type StoreTimes, storePart, timedStore } from '../harness/timed-store.js';

const REDIS = process.env.SIPHON_TEST_REDIS ?? process.env.BENCH_REDIS ?? 'redis://127.0.0.1:6379';
const workerScript = fileURLToPath(new URL('../harness/many-resources-worker.ts', import.meta.url));
const WORKERS = 3;
/** Jobs per worker, the `siphon worker` default; also the baseline's runs in flight. */
const CONCURRENCY = 4;
/** 10,000 resources every 5 minutes. */
const GOAL_RUNS_PER_SECOND = 10_000 / 300;
const GOAL_WORKERS = 20;

/** What a batch of runs cost, summed over the runs. */
interface Cost {
  readonly runs: number;
  readonly failed: number;
  readonly elapsedMs: number;
  readonly store: StoreTimes;
  readonly requests: number;
  readonly requestMs: number;
  /** CPU of the PostgreSQL backends serving these runs. */
  readonly pgCpuMs: number;
}

interface WorkerReport {
  readonly runs: number;
  readonly failed: number;
  readonly runMs: number;
  readonly requests: number;
  readonly requestMs: number;
  readonly cpuMs: number;
  readonly store: [string, { calls: number; ms: number }][];
}

/** `count` resources of one short page each (the demo API's 2 users), each into its own table. */
function writeConfig(dir: string, apiUrl: string, database: string, count: number): { file: string; config: ResolvedConfig } {
  const resources = Object.fromEntries(
    Array.from({ length: count }, (_, i) => [`r${i}`, { path: '/users', paginator: { type: 'single' }, primaryKey: 'id', table: `r${i}` }]),
  );
  const raw = { database, sources: { demo: { baseUrl: apiUrl, resources } } };
  const file = join(dir, 'many.json');
  writeFileSync(file, JSON.stringify(raw));
  return { file, config: parseConfig(raw, { cwd: dir }) };
}

/** CPU time of the PostgreSQL backends serving the scenario, found by their application_name (Linux; 0 elsewhere). */
class PgCpu {
  constructor(
    private readonly client: pg.Client,
    private readonly application: string,
  ) {}

  /** Each backend's CPU so far, in ms. */
  async sample(): Promise<Map<number, number>> {
    const { rows } = await this.client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [
      this.application,
    ]);
    const cpu = new Map<number, number>();
    for (const { pid } of rows) {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        // utime and stime, in clock ticks (100 a second on Linux).
        cpu.set(pid, (Number(fields[11]) + Number(fields[12])) * 10);
      } catch {
        // Not Linux, or the backend has gone.
      }
    }
    return cpu;
  }

  /** CPU spent between two samples; a backend that started in between counts from 0. */
  since(before: Map<number, number>, after: Map<number, number>): number {
    let total = 0;
    for (const [pid, cpu] of after) total += cpu - (before.get(pid) ?? 0);
    return total;
  }

  async around<T>(work: () => Promise<T>): Promise<[T, number]> {
    const before = await this.sample();
    const result = await work();
    return [result, this.since(before, await this.sample())];
  }
}

/** Every resource through `syncResources` in this process, `CONCURRENCY` lanes at once: the runs without the queue. */
async function inProcess(config: ResolvedConfig, store: Store): Promise<Omit<Cost, 'pgCpuMs'>> {
  const timed = timedStore(store);
  const requests = timeRequests();
  const ids = config.resources.map((resource) => resource.id);
  const lanes = Array.from({ length: CONCURRENCY }, (_, lane) => ids.filter((_, i) => i % CONCURRENCY === lane));
  const started = performance.now();
  try {
    const outcomes = (await Promise.all(lanes.map((only) => syncResources({ config, store: timed.store, only })))).flat();
    const failure = outcomes.find((outcome) => outcome.error)?.error;
    if (failure) throw failure;
    return {
      runs: outcomes.length,
      failed: outcomes.filter((outcome) => outcome.error).length,
      elapsedMs: performance.now() - started,
      store: timed.times,
      requests: requests.requests,
      requestMs: requests.ms,
    };
  } finally {
    requests.stop();
  }
}

interface Worker {
  readonly child: ChildProcess;
  readonly lines: AsyncIterator<string>;
}

function startWorker(file: string, prefix: string): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', workerScript, file, REDIS, prefix, String(CONCURRENCY)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })[Symbol.asyncIterator]();
  return { child, lines };
}

async function nextLine(worker: Worker): Promise<string> {
  const line = await worker.lines.next();
  if (line.done) throw new Error(`many-resources worker ${worker.child.pid} exited early`);
  return line.value;
}

interface Distributed extends Cost {
  /** Mean enqueue → start, and start → finish, per job (BullMQ's timestamps). */
  readonly queuedMs: number;
  readonly activeMs: number;
  readonly runMs: number;
  readonly workerCpuMs: number;
  readonly redisCpuMs: number;
}

async function redisCpuMs(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const value = (name: string): number => Number(info.match(new RegExp(`^${name}:([0-9.]+)`, 'm'))?.[1] ?? 0);
  return (value('used_cpu_user') + value('used_cpu_sys')) * 1000;
}

async function distributedRuns(file: string, config: ResolvedConfig, prefix: string, redis: Redis, pgCpu: PgCpu): Promise<Distributed> {
  const workers = Array.from({ length: WORKERS }, () => startWorker(file, prefix));
  const queue = new Queue<SiphonJobData>(QUEUE_NAME, { connection: redis, prefix });
  try {
    for (const worker of workers) {
      const line = await nextLine(worker);
      if (line !== 'ready') throw new Error(`many-resources worker said ${JSON.stringify(line)}`);
    }
    const redisBefore = await redisCpuMs(redis);
    const pgBefore = await pgCpu.sample();
    const started = performance.now();
    const keep = { count: config.resources.length };
    await queue.addBulk(
      config.resources.map((resource) => ({
        name: RUN_JOB,
        data: { resource: resource.id, trigger: 'manual' as const },
        opts: { ...runJobOptions(resource), removeOnComplete: keep, removeOnFail: keep },
      })),
    );
    for (;;) {
      const counts = await queue.getJobCounts('completed', 'failed');
      if ((counts.completed ?? 0) + (counts.failed ?? 0) >= config.resources.length) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const elapsedMs = performance.now() - started;
    const redisCpu = (await redisCpuMs(redis)) - redisBefore;
    // Before the workers close: their backends end with their connections.
    const pgCpuMs = pgCpu.since(pgBefore, await pgCpu.sample());
    const jobs = await queue.getJobs(['completed', 'failed'], 0, -1);
    const mean = (values: number[]): number => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
    const queuedMs = mean(jobs.map((job) => (job.processedOn ?? job.timestamp) - job.timestamp));
    const activeMs = mean(jobs.map((job) => (job.finishedOn ?? 0) - (job.processedOn ?? 0)));

    const reports: WorkerReport[] = [];
    for (const worker of workers) {
      worker.child.stdin?.end('stop\n');
      reports.push(JSON.parse(await nextLine(worker)) as WorkerReport);
    }
    const sum = (pick: (report: WorkerReport) => number): number => reports.reduce((total, report) => total + pick(report), 0);
    const store: StoreTimes = new Map();
    for (const report of reports) mergeTimes(store, report.store);
    return {
      runs: sum((r) => r.runs),
      failed: sum((r) => r.failed),
      elapsedMs,
      store,
      requests: sum((r) => r.requests),
      requestMs: sum((r) => r.requestMs),
      queuedMs,
      activeMs,
      runMs:
        sum((r) => r.runMs) /
        Math.max(
          1,
          sum((r) => r.runs),
        ),
      workerCpuMs: sum((r) => r.cpuMs),
      redisCpuMs: redisCpu,
      pgCpuMs,
    };
  } finally {
    await queue.close();
    // Only the workers this scenario started, by their PIDs.
    for (const worker of workers) if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
  }
}

/** Per run: database time by part (lease, history and state, data) and the statements behind it, and HTTP. */
function split(cost: Cost): string {
  const parts = { lease: { calls: 0, ms: 0 }, history: { calls: 0, ms: 0 }, data: { calls: 0, ms: 0 } };
  for (const [method, time] of cost.store) {
    const part = parts[storePart(method)];
    part.calls += time.calls;
    part.ms += time.ms;
  }
  const per = (value: number): string => (value / Math.max(1, cost.runs)).toFixed(1);
  return [
    `PostgreSQL lease ${per(parts.lease.ms)} ms (${per(parts.lease.calls)} calls)`,
    `history and state ${per(parts.history.ms)} ms (${per(parts.history.calls)})`,
    `table ${per(parts.data.ms)} ms (${per(parts.data.calls)})`,
    `PostgreSQL backends' CPU ${per(cost.pgCpuMs)} ms`,
    `HTTP ${per(cost.requestMs)} ms (${per(cost.requests)} requests)`,
  ].join(', ');
}

async function dropPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}

export const manyResources: Scenario = {
  name: 'many-resources',
  description: 'one-page resources enqueued at once for 3 distributed workers, against the same runs without the queue',
  async run({ quick }) {
    if (POSTGRES === 'off') return [];
    const count = quick ? 100 : 500;
    const application = `siphon_bench_many_${process.pid}`;
    const schema = application;
    const prefix = `siphon-bench-${process.pid}-many`;
    const dir = mkdtempSync(join(tmpdir(), 'siphon-bench-'));
    const api = await startDemoApi({ seed: 3, size: { users: 2 } });
    const admin = new pg.Client({ connectionString: POSTGRES });
    const redis = new Redis(REDIS, { maxRetriesPerRequest: null, lazyConnect: true });
    let connected = false;
    let store: Store | undefined;
    try {
      await admin.connect();
      connected = true;
      await redis.connect();
      const { file, config } = writeConfig(dir, api.url, `${POSTGRES}?schema=${schema}&application_name=${application}`, count);
      store = await openStore(config.database);
      await store.init();
      // First runs create the tables; a schedule's runs find them there.
      const pgCpu = new PgCpu(admin, application);
      const [first, firstCpu] = await pgCpu.around(() => inProcess(config, store as Store));
      const [base, baseCpu] = await pgCpu.around(() => inProcess(config, store as Store));
      const ours = await distributedRuns(file, config, prefix, redis, pgCpu);
      const baseline: Cost = { ...base, pgCpuMs: baseCpu };
      const measured = ours;
      if (process.env.BENCH_VERBOSE) {
        for (const [label, cost] of [
          ['no queue', baseline],
          ['workers', measured],
        ] as const) {
          for (const [method, time] of cost.store) {
            process.stderr.write(`\n  ${label} ${method}: ${time.calls} calls, ${(time.ms / time.calls).toFixed(1)} ms each`);
          }
        }
      }
      const failed = first.failed + base.failed + ours.failed;
      if (failed > 0) throw new Error(`many-resources: ${failed} runs failed`);

      const baseRate = (base.runs / base.elapsedMs) * 1000;
      const rate = (ours.runs / ours.elapsedMs) * 1000;
      const share = (GOAL_RUNS_PER_SECOND * WORKERS) / GOAL_WORKERS;
      const perRun = (value: number): string => ms(value / ours.runs);
      return [
        {
          scenario: 'many-resources',
          figure: `${count} one-page resources enqueued at once, ${WORKERS} workers × ${CONCURRENCY} jobs`,
          goal: `≥ ${share.toFixed(1)} runs/s (${WORKERS}/${GOAL_WORKERS} of 10,000 per 5 min)`,
          baseline: `1 process, ${CONCURRENCY} at a time, no queue: ${perSecond(baseRate)}`,
          measured: `${perSecond(rate)} (${ms(ours.elapsedMs)})`,
          ratio: rate / baseRate,
          pass: rate >= share,
          note: [
            `per run on the workers: ${ms(measured.queuedMs)} enqueue → start (all at once), job ${ms(measured.activeMs)}, run ${ms(measured.runMs)};`,
            `${split(measured)}; worker CPU ${perRun(measured.workerCpuMs)}, Redis CPU ${perRun(measured.redisCpuMs)}.`,
            `Without the queue: ${split(baseline)}.`,
            `First runs (CREATE TABLE): ${perSecond((first.runs / first.elapsedMs) * 1000)}, backends' CPU ${ms(firstCpu / first.runs)} a run.`,
            `Extrapolated: ${GOAL_WORKERS} workers at this pace ${perSecond((rate / WORKERS) * GOAL_WORKERS)};`,
            `one worker on a core of its own ≤ ${perSecond(1000 / (measured.workerCpuMs / ours.runs))};`,
            `${GOAL_RUNS_PER_SECOND.toFixed(0)} runs/s need ${((GOAL_RUNS_PER_SECOND * measured.pgCpuMs) / ours.runs / 1000).toFixed(2)} PostgreSQL cores.`,
          ].join(' '),
        } satisfies Figure,
      ];
    } finally {
      // Also when a step failed: neither the schema nor the queue's keys outlive the scenario.
      await store?.close().catch(() => undefined);
      if (connected) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
      await admin.end().catch(() => undefined);
      if (redis.status === 'ready') await dropPrefix(redis, prefix).catch(() => undefined);
      redis.disconnect();
      await api.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
