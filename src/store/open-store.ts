import { parseDatabaseUrl } from './database-url.js';
import { SqlStore } from './sql-store.js';
import type { Store } from './types.js';

export interface OpenStoreOptions {
  /**
   * Open for reading only (reports, exports): nothing is created, `init()`
   * does nothing and writes fail in the database. A SQLite file must exist.
   * @default false
   */
  readonly readOnly?: boolean | undefined;
}

/**
 * Opens the store a database URL names:
 * - `sqlite:./path.db`, `sqlite:/abs/path.db` (the file is created, its
 *   directory must exist), `sqlite::memory:`;
 * - `postgres://user@host:5432/db` or `postgresql://…`, with an optional
 *   `?schema=name` created when missing and used as the search path.
 *
 * A malformed or unsupported URL, or a database that cannot be reached, is a
 * `ConfigError` at `database`; passwords are never shown.
 */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  const target = parseDatabaseUrl(url);
  const readOnly = options.readOnly ?? false;
  // Each driver loads with its first store, so a SQLite user never loads pg and the reverse.
  const connection =
    target.kind === 'sqlite'
      ? (await import('./sqlite/connect.js')).connectSqlite({ path: target.path, readOnly })
      : await (await import('./postgres/connect.js')).connectPostgres({ ...target, readOnly });
  return new SqlStore(connection);
}
