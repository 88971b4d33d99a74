export { runResource, type RunOutcome, type RunResourceOptions } from './run-resource.js';
export { syncResources, selectResources, type SyncOptions } from './sync-resources.js';
export { ClientPool } from './client-pool.js';
export { RecordMapper, EXTRA_COLUMN } from './record-mapper.js';
export type { SyncEvent } from './sync-events.js';
export type { SyncCheckpoint } from './checkpoint.js';
