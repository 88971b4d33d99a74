import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { ConfigError } from '../../errors/config-error.js';
import { closeAll } from '../../util/close-all.js';
import type { SiphonTables } from '../siphon-tables.js';
import type { StoreConnection } from '../store-dialect.js';
import { sqliteDialect } from './dialect.js';
import { nativeModuleError } from './native-module-error.js';
import { StatementCache } from './statement-cache.js';
import { streamStatement } from './stream-statement.js';

export interface SqliteOptions {
  /** `':memory:'` or an absolute file path. */
  readonly path: string;
  /**
   * Open the file read-only; it must exist.
   * @default false
   */
  readonly readOnly?: boolean;
  /**
   * How long a statement waits for another process's lock before failing.
   * @default 10000
   */
  readonly busyTimeoutMs?: number;
}

/**
 * Opens a SQLite database. A missing file is created, but never a missing
 * directory: a typo in the path should fail loudly, not scatter databases.
 */
export function connectSqlite(options: SqliteOptions): StoreConnection {
  const { path, readOnly = false, busyTimeoutMs = 10_000 } = options;
  const memory = path === ':memory:';
  if (!memory && !existsSync(dirname(path))) {
    throw new ConfigError(
      'database',
      `directory ${dirname(path)} does not exist; create it first (Siphon creates the database file, not its directory)`,
    );
  }
  if (!memory && readOnly && !existsSync(path)) throw new ConfigError('database', `database file ${path} does not exist`);
  // SQLite has no read-only in-memory database; a fresh one has nothing to protect anyway.
  const main = openDatabase(path, readOnly && !memory, busyTimeoutMs);
  if (!memory && !readOnly) {
    // WAL lets readers (reports, a second process) see the last commit while
    // a sync writes; NORMAL sync is crash-safe in WAL mode and loses at most
    // the last commits on power loss, checkpoint included, so a resume stays consistent.
    main.pragma('journal_mode = WAL');
    main.pragma('synchronous = NORMAL');
  }
  const db = new Kysely<SiphonTables>({ dialect: new SqliteDialect({ database: new StatementCache(main) }) });

  // Streams read on a connection of their own: an open iterator would block
  // the writer's connection, and a read-only connection cannot be talked into writing.
  let reader: Database.Database | undefined;
  const open = new Set<Iterator<unknown>>();
  return {
    db,
    dialect: sqliteDialect,
    readOnly,
    async stream(query) {
      if (memory) return streamStatement(main, query, true, open);
      reader ??= openDatabase(path, true, busyTimeoutMs);
      return streamStatement(reader, query, false, open);
    },
    async close() {
      const unfinished = [...open];
      open.clear();
      await closeAll([...unfinished.map((iterator) => () => iterator.return?.()), () => reader?.close(), () => db.destroy()]);
    },
  };
}

function openDatabase(path: string, readOnly: boolean, busyTimeoutMs: number): Database.Database {
  let database: Database.Database;
  try {
    database = new Database(path, { readonly: readOnly, fileMustExist: readOnly });
  } catch (error) {
    // better-sqlite3 loads its native module with the first database, so a missing one surfaces here.
    throw (
      nativeModuleError(error) ??
      new ConfigError('database', `cannot open SQLite database ${path}: ${(error as Error).message}`, { cause: error })
    );
  }
  database.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
  // Integers come back as bigint, so none above 2^53 ever passes through a double.
  database.defaultSafeIntegers(true);
  return database;
}
