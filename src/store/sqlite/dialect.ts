import { type Kysely, sql } from 'kysely';
import { parseJson } from '../../util/exact-json.js';
import type { ColumnType } from '../column-type.js';
import type { SiphonTables } from '../siphon-tables.js';
import type { StoreDialect, TableShape } from '../store-dialect.js';
import { insertEachRow } from './each-row.js';
import { widenSqliteColumns } from './widen-columns.js';

/*
 * SQLite decides how a value is stored from the declared type's name
 * ("affinity"): a name containing INT is INTEGER, CHAR/CLOB/TEXT is TEXT,
 * REAL/FLOA/DOUB is REAL, anything else NUMERIC, which would turn the text
 * '0.10' into the REAL 0.1. Exact types therefore carry a TEXT suffix, and
 * each name is distinct so `tableColumns()` can tell the Siphon type back.
 */
const SQL_TYPES: Record<Exclude<ColumnType['kind'], 'decimal'>, string> = {
  text: 'TEXT',
  integer: 'INTEGER',
  bigint: 'BIGINT',
  float: 'REAL',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMP_TEXT',
  json: 'JSON_TEXT',
};
const SIPHON_TYPES = new Map(Object.entries(SQL_TYPES).map(([kind, name]) => [name, { kind } as ColumnType]));
const DECIMAL_TYPE = /^DECIMAL_TEXT(?:\s*\(\s*(\d+)\s*,\s*(\d+)\s*\))?$/;

const ISO_FORMAT = '%Y-%m-%dT%H:%M:%fZ';

const asIs = (value: unknown): unknown => value;
const integerOut = (value: unknown): unknown => (typeof value === 'bigint' ? Number(value) : value);
const bigintOut = (value: unknown): unknown => (typeof value === 'number' ? BigInt(value) : value);
const floatOut = (value: unknown): unknown => (typeof value === 'bigint' ? Number(value) : value);
const textOut = (value: unknown): unknown => (typeof value === 'bigint' || typeof value === 'number' ? String(value) : value);
const booleanOut = (value: unknown): unknown => (value === null ? null : value !== 0n && value !== 0 && value !== '0');
const jsonOut = (value: unknown): unknown => (typeof value === 'string' ? parseJson(value) : value);
// Untyped results (expressions in a report): integers become numbers when a double holds them.
const untypedOut = (value: unknown): unknown =>
  typeof value === 'bigint' && value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
const booleanIn = (value: unknown): unknown => (typeof value === 'boolean' ? (value ? 1 : 0) : value);

const DECODERS: Record<ColumnType['kind'], (value: unknown) => unknown> = {
  text: textOut,
  integer: integerOut,
  bigint: bigintOut,
  decimal: textOut,
  float: floatOut,
  boolean: booleanOut,
  timestamp: asIs,
  json: jsonOut,
};

export const sqliteDialect: StoreDialect = {
  name: 'sqlite',
  // SQLITE_MAX_VARIABLE_NUMBER since 3.32.
  maxParameters: 32_766,
  arrayParameters: false,
  bulkLoad: insertEachRow,
  // One upsert per row, in order: a key met twice keeps its last row without any help.
  upsertKeysOnce: false,
  identityColumn: 'INTEGER PRIMARY KEY AUTOINCREMENT',
  rowPosition: 'rowid',
  // Strings are bound with their length: a NUL is stored and read back like any character.
  textHoldsNul: true,
  // json is kept as its text, where a lone surrogate is an ASCII escape.
  jsonHoldsLoneSurrogates: true,

  sqlType(type) {
    if (type.kind !== 'decimal') return SQL_TYPES[type.kind];
    return type.precision === 0 ? 'DECIMAL_TEXT' : `DECIMAL_TEXT(${type.precision},${type.scale})`;
  },

  siphonType(sqlType) {
    const name = sqlType.trim().toUpperCase();
    const decimal = DECIMAL_TYPE.exec(name);
    if (decimal) return { kind: 'decimal', precision: Number(decimal[1] ?? 0), scale: Number(decimal[2] ?? 0) };
    return SIPHON_TYPES.get(name);
  },

  toDriver: (type) => (type.kind === 'boolean' ? booleanIn : undefined),
  fromDriver: (type) => (type ? DECODERS[type.kind] : untypedOut),

  now: () => sql<string>`strftime(${ISO_FORMAT}, 'now')`,
  after: (ms) => sql<string>`strftime(${ISO_FORMAT}, 'now', ${`${ms >= 0 ? '+' : ''}${ms / 1000} seconds`})`,

  async describeTable(db: Kysely<SiphonTables>, table: string): Promise<TableShape | undefined> {
    const { rows } = await sql<{ name: string; type: string; pk: number | bigint }>`
      SELECT name, type, pk FROM pragma_table_info(${table})
      WHERE EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ${table} COLLATE NOCASE)
      ORDER BY cid`.execute(db);
    if (rows.length === 0) return undefined;
    const columns = rows.map((row) => ({ name: row.name, type: sqliteDialect.siphonType(row.type), sqlType: row.type }));
    const primaryKey = rows
      .filter((row) => Number(row.pk) > 0)
      .sort((a, b) => Number(a.pk) - Number(b.pk))
      .map((row) => row.name);
    return { columns, primaryKey };
  },

  widenColumns: (db, table, shape, retype) => widenSqliteColumns(db, table, shape, retype, (type) => sqliteDialect.sqlType(type)),

  // Every write transaction begins IMMEDIATE (see statement-cache.ts): holding
  // SQLite's one write lock already serializes schema changes.
  async lockSchema() {},
};
