import { CompiledQuery, type Kysely, sql } from 'kysely';
import { insertSql } from '../bulk-insert.js';
import type { ColumnType } from '../column-type.js';
import type { SiphonTables } from '../siphon-tables.js';
import type { BulkLoad } from '../store-dialect.js';
import type { ColumnDef } from '../types.js';
import { CopyData } from './copy-pool.js';

type Format = (value: unknown) => string;

// COPY's text format: a backslash starts an escape, tab and newline end a field and a row.
const SPECIAL = /[\\\t\n\r]/;
const SPECIALS = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const escaped: Format = (value) => {
  const text = value as string;
  return SPECIAL.test(text) ? text.replace(SPECIALS, (character) => ESCAPES[character]!) : text;
};
// Coerced decimals, integers, floats and timestamps are digits, signs, dots, letters and colons only.
const plain: Format = (value) => String(value);

const FORMATS: Record<ColumnType['kind'], Format> = {
  text: escaped,
  json: escaped,
  decimal: plain,
  integer: plain,
  bigint: plain,
  // String() of a double is its shortest round-trip form, which float8 input reads back exactly.
  float: plain,
  boolean: (value) => (value ? 't' : 'f'),
  timestamp: plain,
};

let staged = 0;

/**
 * Writes coerced rows with `COPY … FROM STDIN`. An upsert copies straight
 * into the table too when none of the batch's keys is there yet (a new
 * table, a replace's stage, new records); otherwise the rows are copied into
 * a temporary table dropped at commit and upserted from it in one
 * `INSERT … SELECT … ON CONFLICT DO UPDATE`.
 */
export function copyRows(sqlType: (type: ColumnType) => string): BulkLoad {
  return async (db, target, columns, rows, upsertKey) => {
    if (rows.length === 0) return;
    const data = new CopyData(
      copyText(
        columns.map((column) => FORMATS[column.type.kind]),
        rows,
      ),
    );
    const names = sql.join(columns.map((column) => sql.id(column.name)));
    const upsert = upsertKey !== undefined && upsertKey.length > 0;
    // Another writer must not add one of these keys between the look and the COPY:
    // this mode waits for other writers of the table (readers go on), as they would wait on the keys.
    if (upsert) await sql`LOCK TABLE ${sql.id(target)} IN SHARE ROW EXCLUSIVE MODE`.execute(db);
    if (!upsert || !(await anyKeyExists(db, target, columns, rows, upsertKey, sqlType))) {
      await copy(db, sql`COPY ${sql.id(target)} (${names}) FROM STDIN`.compile(db).sql, data);
      return;
    }
    staged += 1;
    const stage = `_siphon_copy_${staged}`;
    await sql`CREATE TEMPORARY TABLE ${sql.id(stage)} ON COMMIT DROP AS SELECT ${names} FROM ${sql.id(target)} WITH NO DATA`.execute(db);
    await copy(db, sql`COPY ${sql.id(stage)} (${names}) FROM STDIN`.compile(db).sql, data);
    await insertSql(target, columns, sql`SELECT ${names} FROM ${sql.id(stage)}`, upsertKey).execute(db);
  };
}

async function copy(db: Kysely<SiphonTables>, statement: string, data: CopyData): Promise<void> {
  await db.executeQuery(CompiledQuery.raw(statement, [data]));
}

function copyText(formats: readonly Format[], rows: readonly (readonly unknown[])[]): string {
  const width = formats.length;
  let text = '';
  for (const row of rows) {
    for (let index = 0; index < width; index += 1) {
      const value = row[index];
      if (index > 0) text += '\t';
      text += value === null || value === undefined ? '\\N' : formats[index]!(value);
    }
    text += '\n';
  }
  return text;
}

/** Whether a row with any of the batch's keys is already in `target`: one index probe per key. */
async function anyKeyExists(
  db: Kysely<SiphonTables>,
  target: string,
  columns: readonly ColumnDef[],
  rows: readonly (readonly unknown[])[],
  upsertKey: readonly string[],
  sqlType: (type: ColumnType) => string,
): Promise<boolean> {
  const arrays = upsertKey.map((name) => {
    const index = columns.findIndex((column) => column.name === name);
    return { column: columns[index]!, values: rows.map((row) => row[index]) };
  });
  const key = sql.join(upsertKey.map((name) => sql.id(name)));
  const unnest = sql.join(arrays.map(({ column, values }) => sql`cast(${values} as ${sql.raw(`${sqlType(column.type)}[]`)})`));
  const { rows: found } = await sql`SELECT 1 FROM ${sql.id(target)} WHERE (${key}) IN (SELECT * FROM unnest(${unnest})) LIMIT 1`.execute(
    db,
  );
  return found.length > 0;
}
