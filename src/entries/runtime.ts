// `siphon-sync/runtime`: cron schedules in one process (the embedded default).

export { EmbeddedRuntime, type EmbeddedRuntimeOptions } from '../runtime/embedded/embedded-runtime.js';
export type { Runtime, RuntimeCloseOptions, RuntimeEvent, SchedulerEvent } from '../runtime/runtime.js';
