import type { CompiledQuery, Kysely, RawBuilder } from 'kysely';
import type { ColumnType } from './column-type.js';
import type { SiphonTables } from './siphon-tables.js';
import type { ColumnDef, ColumnInfo, Row } from './types.js';

/** What the database knows of a table. */
export interface TableShape {
  readonly columns: readonly ColumnInfo[];
  /** Key columns in key order; empty without a primary key. */
  readonly primaryKey: readonly string[];
}

/**
 * Everything the generic {@link SqlStore} needs to know about one SQL
 * dialect, as data and small functions, so the shared code asks "how" and
 * never "which database".
 */
export interface StoreDialect {
  readonly name: 'sqlite' | 'postgres';
  /** Most bound parameters one statement may carry; multi-row inserts are chunked under it. */
  readonly maxParameters: number;
  /** Binds a JS array as one typed array parameter, so bulk inserts unnest one array per column. */
  readonly arrayParameters: boolean;
  /**
   * How this database loads a batch faster than multi-row INSERTs can
   * (PostgreSQL's COPY); `undefined` when those statements ({@link BulkInsert}) are the fastest way.
   */
  readonly bulkLoad?: BulkLoad | undefined;
  /**
   * Whether a batch upserted at once must name each key once (PostgreSQL:
   * COPY into a keyed table and `ON CONFLICT DO UPDATE` both refuse a key
   * twice), so the encoder keeps each key's last row. Where rows are upserted
   * one after the other (SQLite), the last one wins anyway.
   */
  readonly upsertKeysOnce: boolean;
  /** Column definition of `_siphon_runs.id`: an integer key that only grows. */
  readonly identityColumn: string;
  /** Expression of a row's physical position: insertion order for a table without a key. */
  readonly rowPosition: string;
  /**
   * Whether text, and strings inside json, may hold the NUL character
   * (U+0000). Where they cannot (PostgreSQL), such a value is refused with a
   * `CoercionError` naming the column and the record, never stripped.
   */
  readonly textHoldsNul: boolean;
  /**
   * Whether a string inside json may be half of a UTF-16 surrogate pair
   * (kept as a `\udXXX` escape). Where it may not (PostgreSQL's jsonb), such
   * a value is refused with a `CoercionError`. Text columns refuse it on every
   * database: UTF-8 has no encoding for it.
   */
  readonly jsonHoldsLoneSurrogates: boolean;

  /** The declared SQL type of a column of `type`. */
  sqlType(type: ColumnType): string;
  /** The Siphon type a declared SQL type stands for, `undefined` for a type Siphon does not create. */
  siphonType(sqlType: string): ColumnType | undefined;
  /** Turns a coerced value into what the driver binds, `undefined` when it binds values as they are. */
  toDriver(type: ColumnType): ((value: unknown) => unknown) | undefined;
  /** Turns what the driver returns into the normalized value; `undefined` type for untyped query results. */
  fromDriver(type: ColumnType | undefined): (value: unknown) => unknown;

  /** The database clock as an ISO-8601 UTC timestamp; leases use it so hosts with skewed clocks agree. */
  now(): RawBuilder<string>;
  /** The database clock `ms` milliseconds from now. */
  after(ms: number): RawBuilder<string>;

  describeTable(db: Kysely<SiphonTables>, table: string): Promise<TableShape | undefined>;
  /**
   * Inside a transaction: retypes the columns of `table` named in `retype`
   * in place, each to a wider type (see column-widening.ts), converting
   * every stored value exactly.
   */
  widenColumns(db: Kysely<SiphonTables>, table: string, shape: TableShape, retype: ReadonlyMap<string, ColumnType>): Promise<void>;
  /** Inside a transaction: waits until no other process is changing Siphon's schema. */
  lockSchema(db: Kysely<SiphonTables>): Promise<void>;
}

/**
 * Writes coerced rows (values in `columns` order) into `target` inside the
 * caller's transaction; with `upsertKey`, a row whose key is there already is
 * updated instead. Rows of one batch share no key where the dialect says `upsertKeysOnce`.
 */
export type BulkLoad = (
  db: Kysely<SiphonTables>,
  target: string,
  columns: readonly ColumnDef[],
  rows: readonly (readonly unknown[])[],
  upsertKey?: readonly string[],
) => Promise<void>;

export interface StreamColumn {
  readonly name: string;
  /** The declared type of the table column behind it, when the driver reports one. */
  readonly sqlType: string | undefined;
}

export interface RowStream {
  readonly columns: readonly StreamColumn[];
  /** Raw driver values; the store decodes them. */
  readonly rows: AsyncIterable<Row>;
}

/** A live database: the Kysely instance over it plus what Kysely cannot do for us. */
export interface StoreConnection {
  readonly db: Kysely<SiphonTables>;
  readonly dialect: StoreDialect;
  /** Opened with `readOnly`: nothing is created, writes fail in the database. */
  readonly readOnly: boolean;
  /**
   * Streams the rows of one statement from a consistent snapshot, refusing
   * any statement that could write (a `ConfigError`).
   */
  stream(query: CompiledQuery, batchSize: number): Promise<RowStream>;
  /** Releases everything, each step attempted even when an earlier one fails. */
  close(): Promise<void>;
}
