import { hostname } from 'node:os';
import { type Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ResolvedConfig } from '../../config/types.js';
import { RedisSlidingWindowBudget } from '../../http/rate-budget/redis-sliding-window-budget.js';
import type { Store } from '../../store/types.js';
import { ClientPool } from '../../sync/client-pool.js';
import { closeAll } from '../../util/close-all.js';
import type { Runtime, RuntimeCloseOptions } from '../runtime.js';
import { assertDistributedStore } from './assert-distributed-store.js';
import type { DistributedEvent } from './distributed-events.js';
import { type DistributedRuntimeOptions, type ResolvedTuning, resolveTuning } from './distributed-options.js';
import { QUEUE_NAME, RUN_JOB, type RunResult, type SiphonJobData, TICK_JOB, type TickResult } from './job-data.js';
import { processRun } from './process-run.js';
import { processTick } from './process-tick.js';
import { createRedisConnection } from './redis-connection.js';
import { runBackoff } from './run-backoff.js';
import { syncSchedules } from './sync-schedules.js';

/**
 * Runs resources from a BullMQ queue shared by any number of worker
 * processes (`siphon worker`), on any number of hosts:
 *
 * - schedules are BullMQ job schedulers producing `tick` jobs; a tick only
 *   enqueues a `run` job, deduplicated per resource (no overlap, no second
 *   run of a tick);
 * - a run job is one `runResource` on the shared PostgreSQL store, retried
 *   with Siphon's backoff on transient errors, resumed from its checkpoint
 *   by another worker when its worker dies (BullMQ's stalled-job recovery);
 * - every worker's requests to a source share one Redis sliding window.
 *
 * `start` syncs the schedules and starts taking jobs; `close` stops.
 */
export class DistributedRuntime implements Runtime {
  readonly #config: ResolvedConfig;
  readonly #store: Store;
  readonly #redisUrl: string;
  readonly #tuning: ResolvedTuning;
  readonly #onEvent: ((event: DistributedEvent) => void) | undefined;
  readonly #shutdown = new AbortController();
  #redis: Redis | undefined;
  #workerRedis: Redis | undefined;
  #queue: Queue<SiphonJobData> | undefined;
  #worker: Worker<SiphonJobData, TickResult | RunResult> | undefined;
  #clients: ClientPool | undefined;
  #closing: Promise<void> | undefined;
  /** Resources this worker is running now, for the close-timeout report. */
  readonly #running = new Set<string>();

  constructor(options: DistributedRuntimeOptions) {
    this.#config = options.config;
    this.#store = options.store;
    this.#redisUrl = options.redisUrl;
    this.#tuning = resolveTuning(options);
    this.#onEvent = options.onEvent;
  }

  /** The resolved tuning (defaults applied). */
  get tuning(): ResolvedTuning {
    return this.#tuning;
  }

  async start(): Promise<void> {
    assertDistributedStore(this.#store);
    const { prefix } = this.#tuning;
    const onError = (error: Error): void => this.#emit({ type: 'worker-error', error });
    this.#redis = createRedisConnection(this.#redisUrl, `${prefix}:siphon:${hostname()}:${process.pid}`, onError);
    const redis = this.#redis;
    this.#queue = new Queue<SiphonJobData>(QUEUE_NAME, { connection: redis, prefix });
    this.#queue.on('error', onError);
    this.#clients = new ClientPool({
      // Its clients settle every grant, so a slot is held until the answer: no worker's slow start can overshoot the limit.
      budgetFor: (source) =>
        new RedisSlidingWindowBudget({ redis, prefix, source: source.name, ...source.rateLimit, holdUntilSettled: true }),
    });

    const synced = await syncSchedules(this.#queue, this.#config, { keepJobs: this.#tuning.keepJobs });
    this.#emit({ type: 'schedules-synced', ...synced });

    const queue = this.#queue;
    const clients = this.#clients;
    const tickContext = {
      config: this.#config,
      queue,
      redis,
      prefix,
      keepJobs: this.#tuning.keepJobs,
      emit: (event: DistributedEvent) => this.#emit(event),
    };
    const runContext = {
      config: this.#config,
      store: this.#store,
      clients,
      leaseMs: this.#tuning.leaseMs,
      shutdown: this.#shutdown.signal,
      emit: (event: DistributedEvent) => this.#emit(event),
    };
    // Three parameters: BullMQ passes an abort signal only to processors declaring it.
    const processor = async (job: Job<SiphonJobData>, token?: string, signal?: AbortSignal): Promise<TickResult | RunResult> => {
      if (job.name === TICK_JOB) return processTick(job, tickContext);
      if (job.name === RUN_JOB) return processRun(job, token, signal, runContext);
      throw new Error(`unknown job name ${JSON.stringify(job.name)}`);
    };
    // A connection of its own: BullMQ duplicates it for the blocking fetch.
    this.#workerRedis = createRedisConnection(this.#redisUrl, `${prefix}:siphon-worker:${hostname()}:${process.pid}`, onError);
    const worker = new Worker<SiphonJobData, TickResult | RunResult>(QUEUE_NAME, processor, {
      connection: this.#workerRedis,
      prefix,
      name: `${hostname()}:${process.pid}`,
      concurrency: this.#tuning.concurrency,
      lockDuration: this.#tuning.lockDurationMs,
      stalledInterval: this.#tuning.stalledIntervalMs,
      maxStalledCount: this.#tuning.maxStalledCount,
      settings: {
        backoffStrategy: runBackoff(this.#config, (delay) => this.#emit({ type: 'retry-scheduled', ...delay })),
      },
    });
    this.#worker = worker;
    worker.on('error', onError);
    // A lock this worker could not renew may already be another worker's: stop that run.
    worker.on('lockRenewalFailed', (jobIds) => {
      for (const id of jobIds) worker.cancelJob(id, 'lost the job lock');
    });
    await worker.waitUntilReady();
  }

  /**
   * Stops taking jobs and waits up to `timeoutMs` for the active ones; then
   * interrupts the runs still going (each keeps its checkpoint and goes back
   * to the queue for another worker) and waits a little more; then lets go
   * of Redis regardless. Every step runs even when one fails.
   */
  close(options: RuntimeCloseOptions = {}): Promise<void> {
    this.#closing ??= this.#close(options.timeoutMs ?? 10_000);
    return this.#closing;
  }

  async #close(timeoutMs: number): Promise<void> {
    const worker = this.#worker;
    await closeAll([
      async () => {
        if (!worker) return;
        const closed = worker.close();
        if (await settlesWithin(closed, timeoutMs)) return;
        this.#emit({ type: 'close-timeout', resources: [...this.#running], timeoutMs });
        this.#shutdown.abort(new Error('the worker is shutting down'));
        await settlesWithin(closed, Math.max(2000, Math.min(timeoutMs, 10_000)));
      },
      () => this.#clients?.close(),
      () => this.#queue?.close(),
      () => this.#workerRedis?.quit().catch(() => this.#workerRedis?.disconnect()),
      () => this.#redis?.quit().catch(() => this.#redis?.disconnect()),
    ]);
  }

  #emit(event: DistributedEvent): void {
    if (event.type === 'run-start') this.#running.add(event.resource);
    if (event.type === 'run-end') this.#running.delete(event.resource);
    try {
      this.#onEvent?.(event);
    } catch {
      // A failing listener must not fail a run or crash the worker.
    }
  }
}

/** Whether `promise` settles within `ms` (a rejection counts as settled). */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
