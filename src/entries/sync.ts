// `siphon-sync/sync`: one run of one resource (or of many, parents first) into a store.

export { type RunOutcome, type RunResourceOptions, runResource } from '../sync/run-resource.js';
export type { SyncEvent } from '../sync/sync-events.js';
export { type SyncOptions, selectResources, syncResources } from '../sync/sync-resources.js';
