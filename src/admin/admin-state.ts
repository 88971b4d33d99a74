import type { ResolvedConfig, ResolvedResource } from '../config/types.js';
import type { Store } from '../store/types.js';
import { AdminAssets } from './admin-assets.js';
import { AdminHttpError } from './admin-http-error.js';
import { ADMIN_DEFAULTS, type AdminAppOptions } from './admin-options.js';
import { AdminSecrets } from './admin-token.js';
import { LoginTickets } from './login-tickets.js';
import type { RunNow } from './run-now.js';

/** What every route of one admin app shares: the options with their defaults, the derived secrets, the assets. */
export class AdminState {
  readonly config: ResolvedConfig;
  readonly store: Store;
  readonly secrets: AdminSecrets;
  readonly tickets = new LoginTickets();
  readonly assets = AdminAssets.load();
  readonly runNow: RunNow | undefined;
  readonly sparklineRuns: number;
  readonly runStartWaitMs: number;
  readonly livePollMs: number;
  readonly now: () => number;
  /** Tables the browser may open: the config's, never Siphon's own or any other. */
  readonly tables: ReadonlyMap<string, readonly ResolvedResource[]>;

  constructor(options: AdminAppOptions) {
    const resolved = { ...ADMIN_DEFAULTS, ...definedOnly(options) };
    this.config = resolved.config;
    this.store = resolved.store;
    this.secrets = new AdminSecrets(resolved.token);
    this.runNow = resolved.runNow;
    this.sparklineRuns = resolved.sparklineRuns;
    this.runStartWaitMs = resolved.runStartWaitMs;
    this.livePollMs = resolved.livePollMs;
    this.now = resolved.now;
    const tables = new Map<string, ResolvedResource[]>();
    for (const resource of this.config.resources) tables.set(resource.table.name, [...(tables.get(resource.table.name) ?? []), resource]);
    this.tables = tables;
  }

  resource(id: string): ResolvedResource {
    const found = this.config.resources.find((resource) => resource.id === id);
    if (!found) throw new AdminHttpError(404, `no resource ${id}; the config has ${this.config.resources.map((r) => r.id).join(', ')}`);
    return found;
  }

  /** A table of the config; 404 for any other name. */
  table(name: string): string {
    if (!this.tables.has(name))
      throw new AdminHttpError(404, `no table ${name} in the config; it has ${[...this.tables.keys()].join(', ')}`);
    return name;
  }
}

/** Options without their `undefined` members, so spreading them over defaults keeps the defaults. */
function definedOnly<T extends object>(options: T): T {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as T;
}
