import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { ConfigError } from '../../errors/config-error.js';
import { closeAll } from '../../util/close-all.js';
import type { SiphonTables } from '../siphon-tables.js';
import type { StoreConnection } from '../store-dialect.js';
import { copyingPool } from './copy-pool.js';
import { openCursorStream } from './cursor-stream.js';
import { postgresDialect } from './dialect.js';
import { storeTypeParsers } from './type-parsers.js';

export interface PostgresOptions {
  /** libpq-style URL without Siphon's own `schema` parameter. */
  readonly connectionString: string;
  /** The URL as it may be printed (no password). */
  readonly displayUrl: string;
  /** Schema for Siphon's tables and unqualified names; created when missing. */
  readonly schema?: string | undefined;
  /** Session settings the URL itself asked for (`?options=`), kept ahead of Siphon's. */
  readonly sessionOptions?: string | undefined;
  /**
   * Every transaction read-only; the schema is not created.
   * @default false
   */
  readonly readOnly?: boolean;
  /**
   * Pooled connections.
   * @default 10
   */
  readonly maxConnections?: number;
}

/**
 * Opens a pool and checks it can reach the database (creating the schema).
 * Session settings travel in the startup packet, so every pooled connection,
 * the ones streams take straight from the pool included, has them from birth:
 * UTC and ISO dates for the timestamp parser, the schema as search_path.
 */
export async function connectPostgres(options: PostgresOptions): Promise<StoreConnection> {
  const { schema, readOnly = false } = options;
  const settings = [options.sessionOptions, '-c TimeZone=UTC', '-c DateStyle=ISO,YMD'];
  if (schema) settings.push(`-c search_path="${schema}"`);
  if (readOnly) settings.push('-c default_transaction_read_only=on');
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    options: settings.filter(Boolean).join(' '),
    types: storeTypeParsers,
    max: options.maxConnections ?? 10,
  });
  // An idle connection the server drops must not crash the process; the next
  // query on a fresh connection reports any real trouble.
  pool.on('error', () => {});
  // The same for a connection checked out between two statements (inside a
  // transaction, or a stream's): without a listener the server going away
  // would crash the process; its next statement fails instead, as a lost
  // connection the run can wait out.
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<SiphonTables>({ dialect: new PostgresDialect({ pool: copyingPool(pool) }) });
  const streams = new Set<pg.PoolClient>();
  const connection: StoreConnection = {
    db,
    dialect: postgresDialect,
    readOnly,
    stream: (query, batchSize) => openCursorStream(pool, query, batchSize, streams),
    async close() {
      const open = [...streams];
      streams.clear();
      await closeAll([...open.map((client) => () => client.release(true)), () => db.destroy()]);
    },
  };

  try {
    if (schema && !readOnly) {
      await db.transaction().execute(async (trx) => {
        await postgresDialect.lockSchema(trx);
        await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(schema)}`.execute(trx);
      });
    } else {
      await sql`SELECT 1`.execute(db);
    }
  } catch (error) {
    await connection.close().catch(() => {});
    throw new ConfigError('database', `PostgreSQL at ${options.displayUrl}: ${(error as Error).message}`, { cause: error });
  }
  return connection;
}
