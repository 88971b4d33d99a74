export type { Runtime, RuntimeCloseOptions, RuntimeEvent, SchedulerEvent } from './runtime.js';
export { isRetryableRunError, runRetryPolicy, runRetryDelay } from './run-retry.js';
export { EmbeddedRuntime, scheduleTable, startupPlan, type EmbeddedRuntimeOptions, type ScheduleRow, type StartupPlan } from './embedded/index.js';
