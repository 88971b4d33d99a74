import { startServer, type TestServer } from './test-server.js';

export interface RawPagesApi extends TestServer {
  /** The bodies served, page 1 first; change them between runs. */
  pages: string[];
}

/**
 * `GET /items?page=N` → the N-th body of `pages` exactly as written (raw
 * JSON text, so a number keeps every digit the test wrote), `[]` past the
 * end. Headers of a page come from `headers(page)`.
 */
export async function startRawPagesApi(
  pages: string[],
  headers: (page: number) => Record<string, string> = () => ({}),
): Promise<RawPagesApi> {
  const api = { pages } as RawPagesApi;
  const server = await startServer((_req, res, seen) => {
    const page = Number(seen.url.searchParams.get('page') ?? '1');
    const body = api.pages[page - 1] ?? '[]';
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers(page) });
    res.end(body);
  });
  return Object.assign(api, server, { pages });
}

/** A resource walking {@link startRawPagesApi} one page per request and per commit. */
export function rawPagesResource(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    path: '/items',
    paginator: { type: 'pageNumber', pageParam: 'page', start: 1 },
    concurrency: 1,
    batchSize: 1,
    ...extra,
  };
}
