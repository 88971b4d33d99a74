export { EmbeddedRuntime, type EmbeddedRuntimeOptions } from './embedded-runtime.js';
export { scheduleTable, type ScheduleRow } from './schedule-table.js';
export { startupPlan, previousFire, nextFire, type StartupPlan, type StartupPlanInput } from './startup-plan.js';
