import type { Database, Statement } from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';
import { EachRow } from './each-row.js';

/**
 * The better-sqlite3 database as Kysely's SQLite driver sees it, with two
 * changes:
 * - prepared statements are kept (least recently used first out), so the
 *   multi-row INSERT a sync repeats for every batch is compiled once;
 * - a statement whose one parameter is {@link EachRow} runs once per row;
 * - Kysely's `begin` becomes `BEGIN IMMEDIATE`: the write lock is taken when
 *   the transaction starts, where `busy_timeout` waits for another process,
 *   instead of on the first write, where SQLite would give up at once with
 *   SQLITE_BUSY because the snapshot it read may be stale.
 */
export class StatementCache implements SqliteDatabase {
  readonly #database: Database;
  readonly #limit: number;
  readonly #statements = new Map<string, CachedStatement>();

  /** @param limit Statements kept; @default 64 */
  constructor(database: Database, limit = 64) {
    this.#database = database;
    this.#limit = limit;
  }

  prepare(sql: string): SqliteStatement {
    const text = sql === 'begin' ? 'BEGIN IMMEDIATE' : sql;
    let statement = this.#statements.get(text);
    if (statement) {
      // Re-inserting moves it to the young end of the Map's order.
      this.#statements.delete(text);
    } else {
      statement = new CachedStatement(this.#database.prepare(text));
      if (this.#statements.size >= this.#limit) {
        const oldest = this.#statements.keys().next();
        if (!oldest.done) this.#statements.delete(oldest.value);
      }
    }
    this.#statements.set(text, statement);
    return statement;
  }

  close(): void {
    this.#statements.clear();
    this.#database.close();
  }
}

class CachedStatement implements SqliteStatement {
  readonly reader: boolean;
  readonly #statement: Statement;

  constructor(statement: Statement) {
    this.#statement = statement;
    this.reader = statement.reader;
  }

  all(parameters: readonly unknown[]): unknown[] {
    return this.#statement.all(parameters);
  }

  run(parameters: readonly unknown[]): { changes: number; lastInsertRowid: number | bigint } {
    const [each] = parameters;
    if (parameters.length !== 1 || !(each instanceof EachRow)) return this.#statement.run(parameters);
    let changes = 0;
    let lastInsertRowid: number | bigint = 0;
    for (const row of each.rows) {
      const result = this.#statement.run(row);
      changes += result.changes;
      lastInsertRowid = result.lastInsertRowid;
    }
    return { changes, lastInsertRowid };
  }

  iterate(parameters: readonly unknown[]): IterableIterator<unknown> {
    return this.#statement.iterate(parameters);
  }
}
