import type { Database } from 'better-sqlite3';
import type { CompiledQuery } from 'kysely';
import { ConfigError } from '../../errors/config-error.js';
import type { RowStream } from '../store-dialect.js';
import type { Row } from '../types.js';

/**
 * Streams one statement's rows. SQLite checks the statement itself:
 * `readonly` says it cannot change the database file, `reader` that it
 * returns rows (which also rules out BEGIN and friends, "read-only" but able
 * to leave a transaction open).
 *
 * With `materialize`, the rows are read at once: an open iterator keeps its
 * connection busy, which is only acceptable on a connection of its own.
 * Otherwise `open` holds the iterator until it ends, because a connection
 * with an open iterator refuses to close.
 */
export function streamStatement(database: Database, query: CompiledQuery, materialize: boolean, open: Set<Iterator<unknown>>): RowStream {
  const statement = database.prepare(query.sql);
  if (!statement.reader || !statement.readonly) {
    throw new ConfigError('query', 'only read-only statements that return rows (SELECT, WITH … SELECT, VALUES) can run here');
  }
  const columns = statement.columns().map((column) => ({ name: column.name, sqlType: column.type ?? undefined }));
  const parameters = [...query.parameters];
  if (materialize) {
    const rows = statement.all(parameters) as Row[];
    return { columns, rows: fromArray(rows) };
  }
  const iterator = statement.iterate(parameters) as IterableIterator<Row>;
  open.add(iterator);
  return { columns, rows: fromIterator(iterator, open) };
}

async function* fromArray(rows: readonly Row[]): AsyncGenerator<Row> {
  yield* rows;
}

async function* fromIterator(iterator: IterableIterator<Row>, open: Set<Iterator<unknown>>): AsyncGenerator<Row> {
  try {
    for (const row of iterator) yield row;
  } finally {
    // Ends the read transaction when the consumer stops early.
    open.delete(iterator);
    iterator.return?.();
  }
}
