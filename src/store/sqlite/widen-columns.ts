import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { ColumnType } from '../column-type.js';
import type { SiphonTables } from '../siphon-tables.js';
import type { TableShape } from '../store-dialect.js';

/**
 * SQLite cannot retype a column, and a declared type decides how values are
 * stored (a decimal kept in a BIGINT column would turn into a REAL), so the
 * table is rebuilt: created again under a temporary name with the new types,
 * filled in row order with each value converted exactly, the old one dropped
 * and the new one renamed — all inside the caller's transaction. Siphon's
 * tables carry no constraint but the key (NOT NULL, PRIMARY KEY), and those
 * are kept. `legacy_alter_table` keeps SQLite from re-checking views over the
 * table while it is briefly missing; they see it again under its name.
 */
export async function widenSqliteColumns(
  db: Kysely<SiphonTables>,
  table: string,
  shape: TableShape,
  retype: ReadonlyMap<string, ColumnType>,
  sqlType: (type: ColumnType) => string,
): Promise<void> {
  const temporary = `_siphon_widen_${table}`;
  const key = new Set(shape.primaryKey);
  const definitions: RawBuilder<unknown>[] = shape.columns.map((column) => {
    const to = retype.get(column.name);
    const type = to ? sqlType(to) : column.sqlType;
    return sql`${sql.id(column.name)} ${sql.raw(type)}${key.has(column.name) ? sql` NOT NULL` : sql``}`;
  });
  if (key.size > 0) definitions.push(sql`PRIMARY KEY (${sql.join(shape.primaryKey.map((name) => sql.id(name)))})`);
  const names = sql.join(shape.columns.map((column) => sql.id(column.name)));
  const values = sql.join(
    shape.columns.map((column) => {
      const to = retype.get(column.name);
      return to && column.type ? convert(sql.id(column.name), column.type, to) : sql.id(column.name);
    }),
  );
  await sql`DROP TABLE IF EXISTS ${sql.id(temporary)}`.execute(db);
  await sql`CREATE TABLE ${sql.id(temporary)} (${sql.join(definitions)})`.execute(db);
  await sql`INSERT INTO ${sql.id(temporary)} (${names}) SELECT ${values} FROM ${sql.id(table)} ORDER BY rowid`.execute(db);
  await sql`PRAGMA legacy_alter_table = ON`.execute(db);
  try {
    await sql`DROP TABLE ${sql.id(table)}`.execute(db);
    await sql`ALTER TABLE ${sql.id(temporary)} RENAME TO ${sql.id(table)}`.execute(db);
  } finally {
    await sql`PRAGMA legacy_alter_table = OFF`.execute(db);
  }
}

/**
 * A stored value of `from` as a value of `to`, the way Siphon would have
 * written it there: integers become their digits (decimals and json are
 * digit text in SQLite), booleans (0/1) `true`/`false`, text a JSON string.
 */
function convert(column: RawBuilder<unknown>, from: ColumnType, to: ColumnType): RawBuilder<unknown> {
  if (from.kind === 'boolean') return sql`CASE WHEN ${column} IS NULL THEN NULL WHEN ${column} THEN 'true' ELSE 'false' END`;
  if (from.kind === 'integer' || from.kind === 'bigint') return to.kind === 'bigint' ? column : sql`CAST(${column} AS TEXT)`;
  if (from.kind === 'text' && to.kind === 'json') return sql`json_quote(${column})`;
  return column;
}
