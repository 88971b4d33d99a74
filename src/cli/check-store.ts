import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from '../errors/config-error.js';
import type { Store } from '../store/types.js';

/**
 * The database as `siphon check` sees it, changing nothing: an existing one
 * is opened without creating Siphon's tables (an existing SQLite file
 * read-only); a SQLite file that does not
 * exist yet is not created, and an empty in-memory database stands in for it
 * (a run would start from no tables either). `missing` says which.
 */
export async function openCheckStore(url: string): Promise<{ store: Store; missing: boolean }> {
  const { parseDatabaseUrl } = await import('../store/database-url.js');
  const { openStore } = await import('../store/open-store.js');
  const target = parseDatabaseUrl(url);
  // PostgreSQL is opened as for writing (reports are compiled over temporary tables, which a read-only session may not create), but nothing is written.
  if (target.kind !== 'sqlite' || target.path === ':memory:') return { store: await openStore(url), missing: false };
  // A read-only SQLite connection may still create the temporary tables reports are compiled over.
  if (existsSync(target.path)) return { store: await openStore(url, { readOnly: true }), missing: false };
  // What a run would stop on, said before anything else.
  if (!existsSync(dirname(target.path))) {
    throw new ConfigError(
      'database',
      `directory ${dirname(target.path)} does not exist; create it first (Siphon creates the database file, not its directory)`,
    );
  }
  return { store: await openStore('sqlite::memory:'), missing: true };
}
