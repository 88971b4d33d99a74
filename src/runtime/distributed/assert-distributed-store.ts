import { ConfigError } from '../../errors/config-error.js';
import { parseDatabaseUrl } from '../../store/database-url.js';

const NEEDS_POSTGRES =
  'the distributed mode (REDIS_URL) needs PostgreSQL: workers on other machines write to it; set database to postgres://…';

/**
 * Workers on several machines write to one database, so a SQLite file (local
 * to one of them) cannot be it. Checked before anything connects to Redis.
 */
export function assertDistributedStore(store: { readonly dialect: string }): void {
  if (store.dialect === 'sqlite') throw new ConfigError('database', NEEDS_POSTGRES);
}

/** The same check on a database URL, for callers that have not opened the store. */
export function assertDistributedDatabase(url: string): void {
  if (parseDatabaseUrl(url).kind === 'sqlite') throw new ConfigError('database', NEEDS_POSTGRES);
}
