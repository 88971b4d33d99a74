import { CompiledQuery, sql } from 'kysely';
import { insertSql } from '../bulk-insert.js';
import type { BulkLoad } from '../store-dialect.js';

/**
 * The rows one single-row statement runs for, handed to Kysely as the
 * statement's only parameter: the statement cache (statement-cache.ts) runs
 * the prepared statement once per row. SQLite binds and steps a one-row
 * statement faster than it parses and binds one statement of a thousand rows.
 */
export class EachRow {
  readonly rows: readonly (readonly unknown[])[];

  constructor(rows: readonly (readonly unknown[])[]) {
    this.rows = rows;
  }
}

/** SQLite's bulk load: one prepared single-row INSERT (or upsert), run for each row inside the caller's transaction. */
export const insertEachRow: BulkLoad = async (db, target, columns, rows, upsertKey) => {
  if (rows.length === 0) return;
  const row = sql`VALUES (${sql.join(columns.map(() => sql.val(null)))})`;
  const statement = insertSql(target, columns, row, upsertKey).compile(db).sql;
  await db.executeQuery(CompiledQuery.raw(statement, [new EachRow(rows)]));
};
