export type { SyncCheckpoint } from './checkpoint.js';
export { ClientPool } from './client-pool.js';
export { EXTRA_COLUMN, RecordMapper } from './record-mapper.js';
export { type RunOutcome, type RunResourceOptions, runResource } from './run-resource.js';
export type { SyncEvent } from './sync-events.js';
export { type SyncOptions, selectResources, syncResources } from './sync-resources.js';
