import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../errors/config-error.js';
import { parseDatabaseUrl } from '../store/database-url.js';

/**
 * Checks a database URL with the store's own parser and makes a relative
 * SQLite path absolute against `baseDir` (the config file's directory, or
 * the working directory for `SIPHON_DATABASE`), so the database does not
 * move with the shell's working directory: `sqlite:./x.db` in
 * /srv/app/siphon.yaml is `sqlite:/srv/app/x.db`. Throws a
 * {@link ConfigError} at `path`.
 */
export function resolveDatabase(url: string, baseDir: string, path: string): string {
  const text = url.trim();
  const sqlite = /^sqlite:(?:\/\/)?(.*)$/is.exec(text)?.[1];
  const resolved =
    sqlite === undefined || sqlite === '' || sqlite === ':memory:' || isAbsolute(sqlite) ? text : `sqlite:${resolve(baseDir, sqlite)}`;
  try {
    parseDatabaseUrl(resolved);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // The store reports at `database`; this may be SIPHON_DATABASE.
    throw new ConfigError(path, error.detail, { cause: error });
  }
  return resolved;
}
