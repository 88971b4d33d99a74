import { type RawBuilder, sql } from 'kysely';
import { SchemaError } from '../errors/schema-error.js';
import { type ColumnType, formatColumnType, sameColumnType } from './column-type.js';
import { type ColumnWidening, wideningKind } from './column-widening.js';
import type { StoreDialect, TableShape } from './store-dialect.js';
import type { ColumnDef, TableDef } from './types.js';

/**
 * `CREATE TABLE` for `table`'s columns and key, under the name `name` (the
 * table's own, or its staging twin); `temporary` for a stand-in that lives
 * only in this session and hides a table of the same name.
 */
export function createTableSql(dialect: StoreDialect, name: string, table: TableDef, temporary = false): RawBuilder<unknown> {
  const key = new Set(table.primaryKey);
  // SQLite lets a non-INTEGER key column hold NULL unless told otherwise.
  const columns = table.columns.map((column) => sql`${columnSql(dialect, column)}${key.has(column.name) ? sql` NOT NULL` : sql``}`);
  if (key.size > 0) columns.push(sql`PRIMARY KEY (${sql.join(table.primaryKey.map((name) => sql.id(name)))})`);
  return sql`CREATE ${sql.raw(temporary ? 'TEMPORARY ' : '')}TABLE ${sql.id(name)} (${sql.join(columns)})`;
}

export function addColumnSql(dialect: StoreDialect, name: string, column: ColumnDef): RawBuilder<unknown> {
  return sql`ALTER TABLE ${sql.id(name)} ADD COLUMN ${columnSql(dialect, column)}`;
}

function columnSql(dialect: StoreDialect, column: ColumnDef): RawBuilder<unknown> {
  return sql`${sql.id(column.name)} ${sql.raw(dialect.sqlType(column.type))}`;
}

/**
 * Compares an existing table with its declaration: returns the declared
 * columns it lacks (to add); a retyped column or another primary key is a
 * {@link SchemaError} saying what differs and what to do. Undeclared columns
 * of the table are left alone.
 */
export function missingColumns(name: string, shape: TableShape, table: TableDef): ColumnDef[] {
  const problems: string[] = [];
  const have = [...shape.primaryKey].sort().join(', ');
  const want = [...table.primaryKey].sort().join(', ');
  if (have !== want) {
    problems.push(`its primary key is ${have ? `(${have})` : 'none'} in the database but declared ${want ? `(${want})` : 'none'}`);
  }
  const existing = new Map(shape.columns.map((column) => [column.name, column]));
  const missing: ColumnDef[] = [];
  for (const column of table.columns) {
    const found = existing.get(column.name);
    if (!found) missing.push(column);
    else if (!found.type || !sameColumnType(found.type, column.type)) {
      const actual = found.type ? `${formatColumnType(found.type)} (${found.sqlType})` : `${found.sqlType}, not a type Siphon creates`;
      problems.push(`column ${column.name} is ${actual} in the database but declared ${formatColumnType(column.type)}`);
    }
  }
  if (problems.length > 0) {
    throw new SchemaError(
      name,
      `${problems.join('; ')}. Siphon never retypes or rekeys a table with data in it: change the declaration back, ` +
        'migrate the table yourself (ALTER TABLE …), or drop it so the next run recreates it.',
    );
  }
  return missing;
}

/**
 * The columns of `shape` that `widen` retypes, each to its new type: a
 * column missing (it is added with the new type) or already that wide is
 * skipped; a change that could lose or reinterpret values is a {@link SchemaError}.
 */
export function columnsToWiden(name: string, shape: TableShape, widen: readonly ColumnWidening[]): Map<string, ColumnType> {
  const retype = new Map<string, ColumnType>();
  for (const { column, to } of widen) {
    const found = shape.columns.find((existing) => existing.name === column);
    if (!found || (found.type && sameColumnType(found.type, to))) continue;
    if (!found.type || wideningKind(found.type, to) === undefined) {
      const actual = found.type ? formatColumnType(found.type) : found.sqlType;
      throw new SchemaError(
        name,
        `column ${column} is ${actual}; Siphon only widens an inferred column without loss, not to ${formatColumnType(to)}`,
      );
    }
    retype.set(column, to);
  }
  return retype;
}
