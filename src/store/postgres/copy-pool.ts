import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/**
 * The rows of one `COPY … FROM STDIN` statement, in COPY's text format. A
 * compiled query whose only parameter is a `CopyData` streams it as the
 * statement's input (see {@link copyingPool}), so a COPY runs through Kysely
 * like any statement: on the transaction's own connection, in its order.
 */
export class CopyData {
  readonly text: string;

  constructor(text: string) {
    this.text = text;
  }
}

/**
 * The pool as Kysely's PostgreSQL driver sees it: each client runs a COPY
 * when handed {@link CopyData}, and everything else unchanged. One wrapper
 * per client, so Kysely keeps recognizing a connection it has seen.
 */
export function copyingPool(pool: pg.Pool): PostgresPool {
  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  return {
    async connect() {
      const client = await pool.connect();
      let wrapper = wrappers.get(client);
      if (!wrapper) {
        wrapper = wrap(client);
        wrappers.set(client, wrapper);
      }
      return wrapper;
    },
    end: () => pool.end(),
  };
}

function wrap(client: pg.PoolClient): PostgresPoolClient {
  return {
    query: ((text: unknown, parameters?: readonly unknown[]) => {
      const [data] = parameters ?? [];
      if (typeof text === 'string' && parameters?.length === 1 && data instanceof CopyData) return copyIn(client, text, data);
      return client.query(text as string, parameters as unknown[]);
    }) as PostgresPoolClient['query'],
    release: () => client.release(),
  };
}

async function copyIn<R>(client: pg.PoolClient, text: string, data: CopyData): Promise<PostgresQueryResult<R>> {
  const stream = client.query(copyFrom(text));
  await new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
    stream.end(data.text);
  });
  // Kysely's type names the commands it counts rows for; a COPY's count is not asked for.
  return { command: 'COPY', rowCount: stream.rowCount, rows: [] } as unknown as PostgresQueryResult<R>;
}
