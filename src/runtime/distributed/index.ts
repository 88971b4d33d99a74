export { assertDistributedDatabase, assertDistributedStore } from './assert-distributed-store.js';
export type { DistributedEvent, WorkerEvent } from './distributed-events.js';
export {
  type DistributedRuntimeOptions,
  type DistributedTuning,
  type ResolvedTuning,
  resolveTuning,
  tuningFromEnv,
} from './distributed-options.js';
export { DistributedRuntime } from './distributed-runtime.js';
export { enqueueRun, runJobOptions } from './enqueue-run.js';
export {
  QUEUE_NAME,
  RUN_JOB,
  type RunData,
  type RunProgress,
  type RunResult,
  type SiphonJobData,
  TICK_JOB,
  type TickData,
  type TickResult,
} from './job-data.js';
export { createRedisConnection, redactRedisUrl } from './redis-connection.js';
export { MAX_RUN_BACKOFF_MS, type RunDelay, runBackoff } from './run-backoff.js';
export { DistributedScheduler, type DistributedSchedulerOptions, startDistributedScheduler } from './start-distributed-scheduler.js';
export { type ScheduleSync, syncSchedules } from './sync-schedules.js';
