export { EmbeddedRuntime, type EmbeddedRuntimeOptions } from './embedded-runtime.js';
export { type ScheduleRow, scheduleTable } from './schedule-table.js';
export { nextFire, previousFire, type StartupPlan, type StartupPlanInput, startupPlan } from './startup-plan.js';
