// `siphon-sync/demo-api`: the bundled, seeded demo API for examples, tests and benchmarks.

export type { DemoCoin } from '../demo-api/coins.js';
export { type DemoDataset, demoDataset } from '../demo-api/dataset.js';
export type { DemoDrfItem } from '../demo-api/drf.js';
export type { DemoComment, DemoPost, DemoUser } from '../demo-api/jsonplaceholder.js';
export type { DemoApiOptions, DemoApiSize, DemoFaults, DemoRateLimit } from '../demo-api/options.js';
export { type DemoAccount, demoAccounts } from '../demo-api/search-routes.js';
export { type DemoApiServer, startDemoApi } from '../demo-api/server.js';
export type { DemoApiStats } from '../demo-api/stats.js';
