// `siphon-sync/distributed`: workers on many machines through BullMQ on Redis,
// and the rate budget they share.

export { RedisSlidingWindowBudget, type RedisSlidingWindowBudgetOptions } from '../http/rate-budget/redis-sliding-window-budget.js';
export type { DistributedEvent, WorkerEvent } from '../runtime/distributed/distributed-events.js';
export type { DistributedRuntimeOptions, DistributedTuning } from '../runtime/distributed/distributed-options.js';
export { DistributedRuntime } from '../runtime/distributed/distributed-runtime.js';
export {
  DistributedScheduler,
  type DistributedSchedulerOptions,
  startDistributedScheduler,
} from '../runtime/distributed/start-distributed-scheduler.js';
export type { Runtime, RuntimeCloseOptions, RuntimeEvent, SchedulerEvent } from '../runtime/runtime.js';
