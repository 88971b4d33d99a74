import { hostname } from 'node:os';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ResolvedConfig } from '../../config/types.js';
import type { Store } from '../../store/types.js';
import { closeAll } from '../../util/close-all.js';
import type { Runtime } from '../runtime.js';
import { assertDistributedStore } from './assert-distributed-store.js';
import { QUEUE_NAME, type SiphonJobData } from './job-data.js';
import { createRedisConnection } from './redis-connection.js';
import { type ScheduleSync, syncSchedules } from './sync-schedules.js';

export interface DistributedSchedulerOptions {
  readonly redisUrl: string;
  /** @default 'siphon' */
  readonly prefix?: string | undefined;
  /** @default 1000 */
  readonly keepJobs?: number | undefined;
  /** Redis errors (the connection reconnects by itself). */
  readonly onError?: ((error: Error) => void) | undefined;
  /** Called once the schedules match the config. */
  readonly onSynced?: ((sync: ScheduleSync) => void) | undefined;
}

/**
 * What `siphon start` runs when `REDIS_URL` is set. In distributed mode the
 * schedules live in Redis and `siphon worker` processes fire them, so
 * starting the scheduler is making Redis's job schedulers match the config
 * (`start`); nothing else runs here. Checks the store is PostgreSQL first.
 */
export function startDistributedScheduler(
  config: ResolvedConfig,
  store: Store,
  options: DistributedSchedulerOptions,
): DistributedScheduler {
  assertDistributedStore(store);
  return new DistributedScheduler(config, options);
}

export class DistributedScheduler implements Runtime {
  readonly #config: ResolvedConfig;
  readonly #options: DistributedSchedulerOptions;
  #redis: Redis | undefined;
  #queue: Queue<SiphonJobData> | undefined;
  /** What the last `start` changed. */
  synced: ScheduleSync | undefined;

  constructor(config: ResolvedConfig, options: DistributedSchedulerOptions) {
    this.#config = config;
    this.#options = options;
  }

  async start(): Promise<void> {
    const prefix = this.#options.prefix ?? 'siphon';
    const onError = this.#options.onError ?? (() => undefined);
    this.#redis ??= createRedisConnection(this.#options.redisUrl, `${prefix}:siphon-scheduler:${hostname()}:${process.pid}`, onError);
    if (!this.#queue) {
      this.#queue = new Queue<SiphonJobData>(QUEUE_NAME, { connection: this.#redis, prefix });
      this.#queue.on('error', onError);
    }
    this.synced = await syncSchedules(this.#queue, this.#config, { keepJobs: this.#options.keepJobs });
    this.#options.onSynced?.(this.synced);
  }

  /** Releases the Redis connection; the schedules stay in Redis for the workers. */
  async close(): Promise<void> {
    const redis = this.#redis;
    await closeAll([() => this.#queue?.close(), () => redis?.quit().catch(() => redis.disconnect())]);
  }
}
