import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../errors/config-error.js';

export type DatabaseTarget =
  | { readonly kind: 'sqlite'; readonly path: string }
  | {
      readonly kind: 'postgres';
      readonly connectionString: string;
      readonly displayUrl: string;
      readonly schema: string | undefined;
      readonly sessionOptions: string | undefined;
    };

const ACCEPTED =
  'expected sqlite:./path.db, sqlite:/absolute/path.db, sqlite::memory:, postgres://user@host:5432/db or postgresql://user@host:5432/db (optionally ?schema=name)';

const SCHEMA = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * Reads a database URL. Relative SQLite paths are resolved against the
 * current directory. Errors are {@link ConfigError}s at `database` that list
 * the accepted forms and never show a password.
 */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  const text = url.trim();
  if (/^sqlite:/i.test(text)) return parseSqlite(text);
  if (/^postgres(ql)?:\/\//i.test(text)) return parsePostgres(text);
  throw new ConfigError('database', `unsupported database URL ${JSON.stringify(hidePassword(text))}; ${ACCEPTED}`);
}

function parseSqlite(text: string): DatabaseTarget {
  // `sqlite:///abs.db` and `sqlite://rel.db` are common spellings of the same paths.
  const path = text.slice('sqlite:'.length).replace(/^\/\//, '');
  if (path === ':memory:') return { kind: 'sqlite', path };
  if (path === '') throw new ConfigError('database', `SQLite URL ${JSON.stringify(text)} names no file; ${ACCEPTED}`);
  if (path.includes('?')) {
    throw new ConfigError(
      'database',
      `SQLite URL ${JSON.stringify(text)}: query options are not supported (open the store with readOnly instead)`,
    );
  }
  return { kind: 'sqlite', path: isAbsolute(path) ? path : resolve(path) };
}

function parsePostgres(text: string): DatabaseTarget {
  const displayUrl = hidePassword(text);
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new ConfigError('database', `malformed PostgreSQL URL ${JSON.stringify(displayUrl)}; ${ACCEPTED}`);
  }
  if (!parsed.hostname && !parsed.searchParams.has('host')) {
    throw new ConfigError('database', `PostgreSQL URL ${JSON.stringify(displayUrl)} names no host; ${ACCEPTED}`);
  }
  const schema = parsed.searchParams.get('schema') ?? undefined;
  if (schema !== undefined && (!SCHEMA.test(schema) || /^pg_/i.test(schema))) {
    throw new ConfigError(
      'database',
      `schema ${JSON.stringify(schema)} in the database URL is not a valid schema name (letters, digits, _; not pg_…)`,
    );
  }
  const sessionOptions = parsed.searchParams.get('options') ?? undefined;
  parsed.searchParams.delete('schema');
  parsed.searchParams.delete('options');
  return { kind: 'postgres', connectionString: parsed.toString(), displayUrl, schema, sessionOptions };
}

/** The URL with any password replaced by `***`, even when it does not parse. */
export function hidePassword(url: string): string {
  // Up to the last @: a password may itself hold @ or /, and hiding too much is harmless.
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:?#]*):.*@/i, '$1:***@');
}
