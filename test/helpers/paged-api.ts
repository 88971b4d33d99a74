import { sendJson, startServer, type TestServer } from './test-server.js';

export interface PagedApiOptions {
  /** Full pages; one more, empty, page ends the walk. */
  readonly pages: number;
  /** @default 5 */
  readonly pageSize?: number;
  /** Delay before each answer. @default 0 */
  readonly latencyMs?: number;
  /** A status to answer instead of the page, given the page and how many times it was asked for (1-based). */
  readonly fail?: (page: number, hit: number) => number | undefined;
}

export interface PagedApi extends TestServer {
  /** Every record the API serves, in order. */
  readonly items: readonly { id: number; name: string }[];
  /** How many times each page was asked for. */
  hits(page: number): number;
}

/**
 * `GET /items?page=N&per_page=S` → `{ data: [...] }`: a page-number API,
 * optionally slow and failing, that counts what it was asked.
 */
export async function startPagedApi(options: PagedApiOptions): Promise<PagedApi> {
  const size = options.pageSize ?? 5;
  const items = Array.from({ length: options.pages * size }, (_, i) => ({ id: i + 1, name: `item ${i + 1}` }));
  const counts = new Map<number, number>();
  const server = await startServer(async (_req, res, seen) => {
    const page = Number(seen.url.searchParams.get('page') ?? '1');
    const hit = (counts.get(page) ?? 0) + 1;
    counts.set(page, hit);
    if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
    const status = options.fail?.(page, hit);
    if (status !== undefined) return sendJson(res, status, { error: `status ${status}` });
    sendJson(res, 200, { data: items.slice((page - 1) * size, page * size) });
  });
  return Object.assign(server, { items, hits: (page: number) => counts.get(page) ?? 0 });
}

/** A resource config walking {@link startPagedApi} one page at a time, one page per commit. */
export function pagedResource(schedule: string, pageSize = 5): Record<string, unknown> {
  return {
    path: '/items',
    params: { per_page: pageSize },
    paginator: { type: 'pageNumber', pageParam: 'page', start: 1 },
    records: 'data',
    concurrency: 1,
    batchSize: pageSize,
    primaryKey: 'id',
    write: 'merge',
    schedule,
    columns: { id: 'bigint', name: 'text' },
  };
}
