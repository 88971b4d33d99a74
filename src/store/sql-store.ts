import { CompiledQuery, type Kysely, sql } from 'kysely';
import { ConfigError } from '../errors/config-error.js';
import { SchemaError } from '../errors/schema-error.js';
import { createBookkeeping } from './bookkeeping.js';
import type { StoreBrowse } from './browse-types.js';
import { BulkInsert } from './bulk-insert.js';
import type { ColumnWidening } from './column-widening.js';
import { stagingTable, validateTableDef } from './identifier.js';
import { Leases } from './leases.js';
import { RowEncoder } from './row-encoder.js';
import { RunLog } from './run-log.js';
import type { SiphonTables } from './siphon-tables.js';
import type { RowStream, StoreConnection, StoreDialect } from './store-dialect.js';
import { TableBrowser } from './table-browser.js';
import { addColumnSql, columnsToWiden, createTableSql, missingColumns } from './table-ddl.js';
import type { BatchWrite, ColumnInfo, CompleteRun, QueryResult, Row, Store, StoreLeases, StoreRuns, TableDef } from './types.js';

/** Rows a stream holds in memory at a time. */
const DEFAULT_BATCH_SIZE = 1000;

/**
 * The {@link Store} over any SQL database Kysely reaches: every statement is
 * written once, here or in its helpers ({@link RunLog} is `runs`, {@link Leases}
 * is `leases`, {@link BulkInsert}), and what differs between databases comes
 * from the connection's {@link StoreDialect}.
 */
export class SqlStore implements Store {
  readonly dialect: string;
  readonly runs: StoreRuns;
  readonly leases: StoreLeases;
  readonly browse: StoreBrowse;
  readonly #connection: StoreConnection;
  readonly #db: Kysely<SiphonTables>;
  readonly #sql: StoreDialect;
  readonly #bulk: BulkInsert;
  // The same object as `runs`, with the batch bookkeeping `writeBatch` commits.
  readonly #runLog: RunLog;
  // Table definitions from config are long-lived objects: check and compile each once.
  readonly #encoders = new WeakMap<TableDef, RowEncoder>();
  #closed = false;

  constructor(connection: StoreConnection) {
    this.#connection = connection;
    this.#db = connection.db;
    this.#sql = connection.dialect;
    this.dialect = connection.dialect.name;
    this.#bulk = new BulkInsert(connection.dialect);
    this.#runLog = new RunLog(connection.db, connection.dialect, (trx, complete) => this.#swapIfReplace(trx, complete));
    this.runs = this.#runLog;
    this.leases = new Leases(connection.db, connection.dialect);
    this.browse = new TableBrowser(connection);
  }

  async init(): Promise<void> {
    // A read-only store only reads what a writer created.
    if (this.#connection.readOnly) return;
    await this.#changeSchema((db) => createBookkeeping(db, this.#sql));
  }

  // ─── Tables ─────────────────────────────────────────────────────────────

  async ensureTable(table: TableDef): Promise<void> {
    this.#encoder(table);
    // Nearly every run finds its table as declared. Seeing so needs no lock,
    // and the schema lock would queue every run of every worker behind one
    // another (one transaction at a time per database, whatever the table).
    const shape = await this.#sql.describeTable(this.#db, table.name);
    if (shape && missingColumns(table.name, shape, table).length === 0) return;
    await this.#changeSchema((db) => this.#ensure(db, table.name, table));
  }

  async prepareReplace(table: TableDef, fresh: boolean): Promise<void> {
    this.#encoder(table);
    const staging = stagingTable(table.name);
    await this.#changeSchema(async (db) => {
      if (fresh) await sql`DROP TABLE IF EXISTS ${sql.id(staging)}`.execute(db);
      await this.#ensure(db, staging, table);
    });
  }

  async writeBatch(batch: BatchWrite): Promise<void> {
    const { table, mode } = batch;
    const keyed = table.primaryKey.length > 0;
    if (mode === 'merge' && !keyed) {
      throw new ConfigError(
        `table ${table.name}`,
        'write mode merge needs a primary key; declare primaryKey or write with append or replace',
      );
    }
    if (batch.rows.length === 0 && !batch.evolve) {
      await this.#db.transaction().execute((trx) => this.#runLog.recordBatch(trx, batch));
      return;
    }
    const encoder = this.#encoder(table);
    // Coerce everything first: a bad value fails the batch before any write.
    const upsert = mode !== 'append' && keyed;
    const rows = encoder.encode(batch.rows, upsert && this.#sql.upsertKeysOnce);
    const target = mode === 'replace' ? stagingTable(table.name) : table.name;
    await this.#db.transaction().execute(async (trx) => {
      // The table grows (or widens) with the batch that needs it: both commit, or neither.
      if (batch.evolve) {
        await this.#sql.lockSchema(trx);
        await this.#ensure(trx, target, table, batch.evolve.widen);
      }
      await this.#bulk.insert(trx, target, table.columns, rows, upsert ? table.primaryKey : undefined);
      await this.#runLog.recordBatch(trx, batch);
    });
  }

  async hasTable(table: string): Promise<boolean> {
    return (await this.#sql.describeTable(this.#db, table)) !== undefined;
  }

  async tableColumns(table: string): Promise<ColumnInfo[]> {
    return [...((await this.#sql.describeTable(this.#db, table))?.columns ?? [])];
  }

  async readTable(
    table: string,
    options: { columns?: readonly string[] | undefined; batchSize?: number | undefined } = {},
  ): Promise<QueryResult> {
    const shape = await this.#sql.describeTable(this.#db, table);
    if (!shape) throw new SchemaError(table, 'does not exist');
    const byName = new Map(shape.columns.map((column) => [column.name, column]));
    const selected = (options.columns ?? shape.columns.map((column) => column.name)).map((name) => {
      const column = byName.get(name);
      if (!column) throw new SchemaError(table, `has no column ${name}; it has ${shape.columns.map((c) => c.name).join(', ')}`);
      return column;
    });
    const order = shape.primaryKey.length > 0 ? sql.join(shape.primaryKey.map((name) => sql.id(name))) : sql.raw(this.#sql.rowPosition);
    const query = sql`SELECT ${sql.join(selected.map((column) => sql.id(column.name)))} FROM ${sql.id(table)} ORDER BY ${order}`.compile(
      this.#db,
    );
    const stream = await this.#connection.stream(query, options.batchSize ?? DEFAULT_BATCH_SIZE);
    return this.#decode(
      stream,
      selected.map((column) => column.type),
    );
  }

  async query(text: string): Promise<QueryResult> {
    // A trailing `;` is habit, not a second statement.
    const stream = await this.#connection.stream(CompiledQuery.raw(text.trim().replace(/[;\s]+$/, '')), DEFAULT_BATCH_SIZE);
    return this.#decode(
      stream,
      stream.columns.map((column) => (column.sqlType === undefined ? undefined : this.#sql.siphonType(column.sqlType))),
    );
  }

  async checkQuery(text: string, tables: readonly TableDef[]): Promise<void> {
    for (const table of tables) validateTableDef(table);
    const statement = text.trim().replace(/[;\s]+$/, '');
    const rollback = new RolledBack();
    try {
      await this.#db.transaction().execute(async (trx) => {
        for (const table of tables) await createTableSql(this.#sql, table.name, table, true).execute(trx);
        // EXPLAIN compiles and plans the statement in both databases, and runs nothing of it.
        await sql`EXPLAIN ${sql.raw(statement)}`.execute(trx);
        throw rollback;
      });
    } catch (error) {
      if (error !== rollback) throw error;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#connection.close();
  }

  // ─── Internals ──────────────────────────────────────────────────────────

  /** Validates a table definition once, and keeps the encoder built for it. */
  #encoder(table: TableDef): RowEncoder {
    let encoder = this.#encoders.get(table);
    if (!encoder) {
      validateTableDef(table);
      encoder = new RowEncoder(table, this.#sql);
      this.#encoders.set(table, encoder);
    }
    return encoder;
  }

  /** DDL in one transaction under the dialect's schema lock: concurrent processes take turns. */
  async #changeSchema(change: (db: Kysely<SiphonTables>) => Promise<void>): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      await this.#sql.lockSchema(trx);
      await change(trx);
    });
  }

  /**
   * Creates `name` as `table` describes it, or adds the columns it lacks
   * after retyping the ones `widen` names (a column already that wide is
   * left alone, so a resumed run can ask again).
   */
  async #ensure(db: Kysely<SiphonTables>, name: string, table: TableDef, widen: readonly ColumnWidening[] = []): Promise<void> {
    let shape = await this.#sql.describeTable(db, name);
    if (!shape) {
      await createTableSql(this.#sql, name, table).execute(db);
      return;
    }
    const retype = columnsToWiden(name, shape, widen);
    if (retype.size > 0) {
      await this.#sql.widenColumns(db, name, shape, retype);
      shape = (await this.#sql.describeTable(db, name)) ?? shape;
    }
    for (const column of missingColumns(name, shape, table)) await addColumnSql(this.#sql, name, column).execute(db);
  }

  /** A replace run's staged rows are swapped in by the transaction that records its success. */
  async #swapIfReplace(db: Kysely<SiphonTables>, { table, mode, widen }: CompleteRun): Promise<void> {
    if (mode !== 'replace' || !table) return;
    this.#encoder(table);
    // The table takes on what its staging twin gained during the run only now, with the rows.
    await this.#sql.lockSchema(db);
    await this.#ensure(db, table.name, table, widen);
    await this.#swapStaging(db, table);
  }

  /**
   * Replaces the table's rows with the staging table's inside the caller's
   * transaction. DELETE + INSERT … SELECT rather than DROP + RENAME: a reader
   * in another session sees the old rows or the new (PostgreSQL MVCC, SQLite
   * WAL snapshots), never a missing table or a lock error.
   */
  async #swapStaging(db: Kysely<SiphonTables>, table: TableDef): Promise<void> {
    const staging = stagingTable(table.name);
    if (!(await this.#sql.describeTable(db, staging))) {
      throw new SchemaError(table.name, `staging table ${staging} is missing; a replace run must call prepareReplace before writing`);
    }
    const columns = sql.join(table.columns.map((column) => sql.id(column.name)));
    // Keyed tables are read in key order anyway; unkeyed ones keep the API's order.
    const order = table.primaryKey.length > 0 ? sql`` : sql` ORDER BY ${sql.raw(this.#sql.rowPosition)}`;
    await sql`DELETE FROM ${sql.id(table.name)}`.execute(db);
    await sql`INSERT INTO ${sql.id(table.name)} (${columns}) SELECT ${columns} FROM ${sql.id(staging)}${order}`.execute(db);
    await sql`DROP TABLE ${sql.id(staging)}`.execute(db);
  }

  #decode(stream: RowStream, types: readonly ColumnInfo['type'][]): QueryResult {
    const names = stream.columns.map((column) => column.name);
    const decoders = types.map((type) => this.#sql.fromDriver(type));
    async function* rows(): AsyncGenerator<Row> {
      for await (const raw of stream.rows) {
        const row: Row = {};
        for (let index = 0; index < names.length; index += 1) {
          const name = names[index]!;
          row[name] = decoders[index]!(raw[name]);
        }
        yield row;
      }
    }
    return { columns: names, rows: rows() };
  }
}

/** Thrown to roll back a transaction that only looked. */
class RolledBack extends Error {
  override name = 'RolledBack' as const;
}
