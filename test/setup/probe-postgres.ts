import pg from 'pg';

/**
 * Undefined when `url` answers `SELECT 1` within `ms`, else why not (one
 * line). A server that is down is refused at once; `ms` bounds a host that
 * never answers.
 */
export async function probePostgres(url: string, ms: number): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: ms });
  client.on('error', () => undefined);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${ms} ms`), ms);
  });
  const probe = (async () => {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  })().catch((error: unknown) => reason(error));
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
    void client.end().catch(() => undefined);
  }
}

function reason(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return reason(error.errors[0]);
  return error instanceof Error ? error.message.split('\n')[0] || error.name : String(error);
}
