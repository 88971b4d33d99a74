import type { CompiledQuery } from 'kysely';
import type pg from 'pg';
import { ConfigError } from '../../errors/config-error.js';
import type { RowStream } from '../store-dialect.js';
import type { Row } from '../types.js';

const CURSOR = 'siphon_stream';
/** SQLSTATEs: a write refused by READ ONLY, and a statement DECLARE cannot wrap. */
const READ_ONLY_VIOLATION = '25006';
const NOT_A_CURSOR_QUERY = new Set(['42601', '0A000']);

/**
 * Streams a statement's rows through a server-side cursor in a READ ONLY,
 * REPEATABLE READ transaction on a connection of its own: one snapshot, a
 * batch in memory at a time, and no way to write (the extended protocol
 * also refuses a second statement smuggled in after a `;`).
 *
 * Statements DECLARE cannot wrap (SHOW, EXPLAIN) run plainly in the same
 * transaction; that run also reports the user's own syntax errors.
 *
 * `track` is told about the connection until it is released, so closing the
 * store can release a stream nobody finished reading.
 */
export async function openCursorStream(
  pool: pg.Pool,
  query: CompiledQuery,
  batchSize: number,
  track: Set<pg.PoolClient>,
): Promise<RowStream> {
  const client = await pool.connect();
  track.add(client);
  const finish = async (ok: boolean): Promise<void> => {
    if (!track.delete(client)) return;
    try {
      await client.query(ok ? 'COMMIT' : 'ROLLBACK');
      client.release();
    } catch (error) {
      client.release(error as Error);
    }
  };
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await client.query('SAVEPOINT siphon_declare');
    const values = [...query.parameters];
    let first: pg.QueryResult<Row>;
    let cursor = true;
    const declare = `DECLARE ${CURSOR} NO SCROLL CURSOR FOR `;
    try {
      await client.query({ text: declare + query.sql, values, queryMode: 'extended' } as pg.QueryConfig);
      first = await client.query<Row>(`FETCH FORWARD ${batchSize} FROM ${CURSOR}`);
    } catch (error) {
      if (!NOT_A_CURSOR_QUERY.has((error as { code?: string }).code ?? '')) throw withPositionIn(error, declare.length);
      await client.query('ROLLBACK TO SAVEPOINT siphon_declare');
      first = await client.query<Row>({ text: query.sql, values, queryMode: 'extended' } as pg.QueryConfig);
      cursor = false;
    }
    const columns = first.fields.map((field) => ({ name: field.name, sqlType: undefined }));
    return { columns, rows: rows(first.rows, cursor) };
  } catch (error) {
    await finish(false);
    if ((error as { code?: string }).code === READ_ONLY_VIOLATION) {
      throw new ConfigError('query', `only read-only statements can run here: ${(error as Error).message}`, { cause: error });
    }
    throw error;
  }

  async function* rows(firstRows: Row[], more: boolean): AsyncGenerator<Row> {
    let ok = false;
    try {
      let batch = firstRows;
      yield* batch;
      while (more && batch.length === batchSize) {
        batch = (await client.query<Row>(`FETCH FORWARD ${batchSize} FROM ${CURSOR}`)).rows;
        yield* batch;
      }
      ok = true;
    } finally {
      await finish(ok);
    }
  }
}

/** Points an error's `position` into the caller's SQL rather than the DECLARE around it. */
function withPositionIn(error: unknown, offset: number): unknown {
  const positioned = error as { position?: string };
  if (typeof positioned.position === 'string' && Number(positioned.position) > offset) {
    positioned.position = String(Number(positioned.position) - offset);
  }
  return error;
}
