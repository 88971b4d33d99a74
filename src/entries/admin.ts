// `siphon-sync/admin`: the web admin and its JSON API, a fetch-style app
// (Hono) over a config and a store, and the Node server for it.

export { type AdminApp, createAdminApp } from '../admin/admin-app.js';
export type { AdminEnv } from '../admin/admin-env.js';
export type { AdminAppOptions } from '../admin/admin-options.js';
export { generateAdminToken } from '../admin/admin-token.js';
export { ADMIN_TOKEN_ENV, type AdminTokenSource, adminTokenFrom } from '../admin/admin-token-source.js';
export { DirectRunNow, type DirectRunNowOptions } from '../admin/direct-run-now.js';
export { embeddedRunNow } from '../admin/embedded-run-now.js';
export { type QueueRunNowOptions, queueRunNow } from '../admin/queue-run-now.js';
export type { ResourceHealth, ResourceSummary } from '../admin/resource-summaries.js';
export type { RunNow, RunNowResult } from '../admin/run-now.js';
export { type AdminServer, isLoopback, type ServeAdminOptions, serveAdmin } from '../admin/serve-admin.js';
