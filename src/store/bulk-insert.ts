import { CompiledQuery, type Kysely, type RawBuilder, sql } from 'kysely';
import { formatColumnType } from './column-type.js';
import type { SiphonTables } from './siphon-tables.js';
import type { StoreDialect } from './store-dialect.js';
import type { ColumnDef } from './types.js';

export interface BulkInsertOptions {
  /**
   * Rows per INSERT statement; fewer when the dialect's bound-parameter
   * limit demands.
   * @default 1000 (5000 with array parameters)
   */
  readonly maxRowsPerStatement?: number;
  /**
   * Distinct statement texts remembered.
   * @default 32
   */
  readonly cacheSize?: number;
}

/**
 * Inserts (or upserts) many rows per statement. Two shapes, by dialect capability:
 * - `VALUES (?, ?), (?, ?), …`, chunked under the bound-parameter limit;
 * - with array parameters, one array per column unnested server-side: the
 *   statement text no longer depends on the row count, and PostgreSQL parses
 *   26 parameters instead of 26,000.
 * A statement's text depends only on the target, columns, row count and key,
 * so it is compiled once and reused batch after batch (and SQLite's
 * statement cache then skips preparing it again).
 */
export class BulkInsert {
  readonly #dialect: StoreDialect;
  readonly #maxRows: number;
  readonly #cacheSize: number;
  readonly #texts = new Map<string, string>();

  constructor(dialect: StoreDialect, options: BulkInsertOptions = {}) {
    this.#dialect = dialect;
    this.#maxRows = options.maxRowsPerStatement ?? (dialect.arrayParameters ? 5000 : 1000);
    this.#cacheSize = options.cacheSize ?? 32;
  }

  /** Inserts `rows` (bind values in `columns` order); with `upsertKey`, a row whose key exists is updated instead. */
  async insert(
    db: Kysely<SiphonTables>,
    target: string,
    columns: readonly ColumnDef[],
    rows: readonly (readonly unknown[])[],
    upsertKey?: readonly string[],
  ): Promise<void> {
    if (this.#dialect.bulkLoad) return this.#dialect.bulkLoad(db, target, columns, rows, upsertKey);
    const arrays = this.#dialect.arrayParameters;
    const limit = arrays ? this.#maxRows : Math.floor(this.#dialect.maxParameters / columns.length);
    const perStatement = Math.max(1, Math.min(this.#maxRows, limit));
    for (let start = 0; start < rows.length; start += perStatement) {
      const chunk = start === 0 && rows.length <= perStatement ? rows : rows.slice(start, start + perStatement);
      const text = this.#text(db, target, columns, arrays ? 0 : chunk.length, upsertKey);
      const parameters = arrays ? transpose(chunk, columns.length) : flatten(chunk, columns.length);
      await db.executeQuery(CompiledQuery.raw(text, parameters));
    }
  }

  /** `count` 0: the array-parameter form. */
  #text(
    db: Kysely<SiphonTables>,
    target: string,
    columns: readonly ColumnDef[],
    count: number,
    upsertKey: readonly string[] | undefined,
  ): string {
    // Types are part of the text (the unnest casts): a widened column needs a new statement.
    const shape = columns.map((column) => `${column.name} ${formatColumnType(column.type)}`).join(',');
    const cacheKey = [target, shape, count, upsertKey?.join(',') ?? ''].join('\u0000');
    let text = this.#texts.get(cacheKey);
    if (text === undefined) {
      const source = count === 0 ? this.#unnest(columns) : valuesList(columns.length, count);
      text = insertSql(target, columns, source, upsertKey).compile(db).sql;
      if (this.#texts.size >= this.#cacheSize) this.#texts.clear();
      this.#texts.set(cacheKey, text);
    }
    return text;
  }

  #unnest(columns: readonly ColumnDef[]): RawBuilder<unknown> {
    const arrays = columns.map((column) => sql`cast(${sql.val(null)} as ${sql.raw(`${this.#dialect.sqlType(column.type)}[]`)})`);
    return sql`SELECT * FROM unnest(${sql.join(arrays)})`;
  }
}

function valuesList(width: number, count: number): RawBuilder<unknown> {
  const placeholders = sql`(${sql.join(Array.from({ length: width }, () => sql.val(null)))})`;
  return sql`VALUES ${sql.join(Array.from({ length: count }, () => placeholders))}`;
}

/** `INSERT INTO target (columns) <source>`, with `upsertKey` an upsert that updates every other column. */
export function insertSql(
  target: string,
  columns: readonly ColumnDef[],
  source: RawBuilder<unknown>,
  upsertKey: readonly string[] | undefined,
): RawBuilder<unknown> {
  const names = columns.map((column) => column.name);
  const insert = sql`INSERT INTO ${sql.id(target)} (${sql.join(names.map((name) => sql.id(name)))}) ${source}`;
  if (!upsertKey || upsertKey.length === 0) return insert;
  const key = new Set(upsertKey);
  const updates = names.filter((name) => !key.has(name)).map((name) => sql`${sql.id(name)} = excluded.${sql.id(name)}`);
  const conflictTarget = sql.join(upsertKey.map((name) => sql.id(name)));
  return updates.length === 0
    ? sql`${insert} ON CONFLICT (${conflictTarget}) DO NOTHING`
    : sql`${insert} ON CONFLICT (${conflictTarget}) DO UPDATE SET ${sql.join(updates)}`;
}

// Array.prototype.flat is several times slower on arrays this size.
function flatten(rows: readonly (readonly unknown[])[], width: number): unknown[] {
  const values = new Array<unknown>(rows.length * width);
  let at = 0;
  for (const row of rows) for (let index = 0; index < width; index += 1) values[at++] = row[index];
  return values;
}

function transpose(rows: readonly (readonly unknown[])[], width: number): unknown[][] {
  const columns = Array.from({ length: width }, () => new Array<unknown>(rows.length));
  rows.forEach((row, at) => {
    for (let index = 0; index < width; index += 1) columns[index]![at] = row[index];
  });
  return columns;
}
