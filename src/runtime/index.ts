export {
  EmbeddedRuntime,
  type EmbeddedRuntimeOptions,
  type ScheduleRow,
  type StartupPlan,
  scheduleTable,
  startupPlan,
} from './embedded/index.js';
export { isRetryableRunError, runRetryDelay, runRetryPolicy } from './run-retry.js';
export type { Runtime, RuntimeCloseOptions, RuntimeEvent, SchedulerEvent } from './runtime.js';
