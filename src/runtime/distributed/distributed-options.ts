import type { ResolvedConfig } from '../../config/types.js';
import { ConfigError } from '../../errors/config-error.js';
import type { Store } from '../../store/types.js';
import type { DistributedEvent } from './distributed-events.js';

/** The knobs of a distributed worker, all optional. */
export interface DistributedTuning {
  /**
   * Namespace of every Redis key: BullMQ's queue prefix, the shared rate
   * budgets and the tick guards. Deployments sharing a Redis need their own.
   * @default 'siphon'
   */
  readonly prefix?: string | undefined;
  /**
   * Jobs one worker process handles at once. Ticks share the slots with runs
   * (a tick only enqueues a run, in a few milliseconds).
   * @default 4
   */
  readonly concurrency?: number | undefined;
  /**
   * How long a job's lock lasts without renewal (BullMQ renews it every half):
   * a killed worker's jobs go back to the queue this long after its death
   * (plus up to `stalledIntervalMs`).
   * @default 30_000
   */
  readonly lockDurationMs?: number | undefined;
  /**
   * How often workers look for jobs whose lock expired.
   * @default 30_000
   */
  readonly stalledIntervalMs?: number | undefined;
  /**
   * Times a job may be recovered from a dead worker before it fails.
   * @default 2
   */
  readonly maxStalledCount?: number | undefined;
  /**
   * The per-resource database lease of a run. Short, so a dead worker on
   * another host blocks the resource for about as long as its job lock; the
   * run heartbeats it every quarter.
   * @default lockDurationMs
   */
  readonly leaseMs?: number | undefined;
  /**
   * Finished jobs kept in Redis for inspection (the newest of each state).
   * @default 1000
   */
  readonly keepJobs?: number | undefined;
}

export interface DistributedRuntimeOptions extends DistributedTuning {
  readonly config: ResolvedConfig;
  /** A PostgreSQL store, already `init()`ed; it belongs to the caller and stays open. */
  readonly store: Store;
  /** `redis://[user:password@]host:port[/db]`. */
  readonly redisUrl: string;
  readonly onEvent?: ((event: DistributedEvent) => void) | undefined;
}

export type ResolvedTuning = { readonly [K in keyof DistributedTuning]-?: NonNullable<DistributedTuning[K]> };

/** Applies the defaults and rejects nonsense early. */
export function resolveTuning(tuning: DistributedTuning): ResolvedTuning {
  const lockDurationMs = positive(tuning.lockDurationMs ?? 30_000, 'lockDurationMs');
  return {
    prefix: tuning.prefix ?? 'siphon',
    concurrency: positive(tuning.concurrency ?? 4, 'concurrency'),
    lockDurationMs,
    stalledIntervalMs: positive(tuning.stalledIntervalMs ?? 30_000, 'stalledIntervalMs'),
    maxStalledCount: nonNegative(tuning.maxStalledCount ?? 2, 'maxStalledCount'),
    leaseMs: positive(tuning.leaseMs ?? lockDurationMs, 'leaseMs'),
    keepJobs: nonNegative(tuning.keepJobs ?? 1000, 'keepJobs'),
  };
}

/**
 * Tuning from the environment, for `siphon worker` (and tests that shorten
 * the timings): `SIPHON_QUEUE_PREFIX`, `SIPHON_LOCK_DURATION_MS`,
 * `SIPHON_STALLED_INTERVAL_MS`, `SIPHON_MAX_STALLED_COUNT`, `SIPHON_LEASE_MS`,
 * `SIPHON_KEEP_JOBS`.
 */
export function tuningFromEnv(env: NodeJS.ProcessEnv = process.env): DistributedTuning {
  return {
    prefix: env.SIPHON_QUEUE_PREFIX || undefined,
    lockDurationMs: envNumber(env, 'SIPHON_LOCK_DURATION_MS'),
    stalledIntervalMs: envNumber(env, 'SIPHON_STALLED_INTERVAL_MS'),
    maxStalledCount: envNumber(env, 'SIPHON_MAX_STALLED_COUNT'),
    leaseMs: envNumber(env, 'SIPHON_LEASE_MS'),
    keepJobs: envNumber(env, 'SIPHON_KEEP_JOBS'),
  };
}

function envNumber(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isFinite(value)) throw new ConfigError(name, `expected a number, got ${JSON.stringify(text)}`);
  return value;
}

function positive(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new ConfigError(name, `expected a positive integer, got ${String(value)}`);
  return value;
}

function nonNegative(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0) throw new ConfigError(name, `expected a non-negative integer, got ${String(value)}`);
  return value;
}
