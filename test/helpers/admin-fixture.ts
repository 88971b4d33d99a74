import { parseConfig, type ResolvedConfig } from 'siphon-sync';
import { type AdminApp, createAdminApp, DirectRunNow } from 'siphon-sync/admin';
import { openStore, type Store } from 'siphon-sync/store';
import { syncResources } from 'siphon-sync/sync';
import { createTestDatabase, type TestDatabase } from './databases.js';
import { sendJson, startServer, type TestServer } from './test-server.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
/** A secret the config takes from the environment; no page or API answer may show it. */
export const ENV_SECRET = 'env-secret-value-7f3a9c';
/** A secret written inline in the config; shown as *** only. */
export const INLINE_SECRET = 'inline-secret-value-55e1';

export interface AdminFixture {
  readonly db: TestDatabase;
  readonly store: Store;
  readonly config: ResolvedConfig;
  readonly api: TestServer;
  readonly app: AdminApp;
  readonly runNow: DirectRunNow;
  /** Coins the API serves: price a decimal(12,2), supply a bigint beyond 2^53. */
  readonly coins: readonly { id: number; name: string; price: number | null; supply: string }[];
  close(): Promise<void>;
}

/**
 * A database with one synced table (`coins`: decimals, big integers, nulls),
 * a failed run (`api.broken` answers 404), a report, and the admin over it.
 * `slowPages` makes each page of coins take that long (a run to watch live).
 */
export async function startAdminFixture(dialect: 'sqlite' | 'postgres', options: { slowPagesMs?: number } = {}): Promise<AdminFixture> {
  const db = await createTestDatabase(dialect);
  const coins = Array.from({ length: 45 }, (_, index) => ({
    id: index + 1,
    name: index % 5 === 0 ? `Bitcoin ${index}` : `coin ${index}`,
    price: index % 9 === 4 ? null : Number(((index * 37) % 1000) + 0.5) / (index % 2 === 0 ? 1 : 10),
    supply: (9007199254740993n + BigInt(index)).toString(),
  }));
  const api = await startServer(async (_req, res, seen) => {
    if (seen.url.pathname === '/broken') return sendJson(res, 404, { detail: 'gone for good' });
    const page = Number(seen.url.searchParams.get('page') ?? 1);
    if (options.slowPagesMs) await new Promise((resolve) => setTimeout(resolve, options.slowPagesMs));
    const rows = coins
      .slice((page - 1) * 10, page * 10)
      .map((coin) => `{"id":${coin.id},"name":"${coin.name}","price":${coin.price},"supply":${coin.supply}}`);
    const body = `{"total":${coins.length},"data":[${rows.join(',')}]}`;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  });
  const config = parseConfig(
    {
      database: db.url,
      sources: {
        api: {
          baseUrl: api.url,
          headers: { 'x-api-key': INLINE_SECRET },
          auth: { type: 'bearer', token: '${env:ADMIN_TEST_SECRET}' },
          rateLimit: { requests: 1000, per: '1s' },
          retry: { retries: 1, base: '10ms', max: '20ms' },
          resources: {
            coins: {
              path: '/coins',
              params: { per_page: 10 },
              paginator: { type: 'pageNumber', pageParam: 'page', start: 1 },
              records: 'data',
              concurrency: 1,
              batchSize: 10,
              primaryKey: 'id',
              schedule: '*/5 * * * *',
              columns: { id: 'bigint', name: 'text', price: 'decimal(12,2)', supply: 'bigint' },
            },
            broken: { path: '/broken', paginator: 'single', primaryKey: 'id', columns: { id: 'bigint' } },
          },
        },
      },
      reports: { pricey: { sql: 'SELECT name, price FROM coins WHERE price IS NOT NULL ORDER BY id', description: 'coins with a price' } },
    },
    { env: { ADMIN_TEST_SECRET: ENV_SECRET } },
  );
  const store = await openStore(db.url);
  await store.init();
  await syncResources({ config, store });
  const runNow = new DirectRunNow({ config, store });
  const app = createAdminApp({ config, store, token: ADMIN_TOKEN, runNow, livePollMs: 50 });
  return {
    db,
    store,
    config,
    api,
    app,
    runNow,
    coins,
    async close() {
      await runNow.close();
      await store.close();
      await api.close();
      await db.drop();
    },
  };
}

/** Request headers of an API client holding the token. */
export const bearer = { authorization: `Bearer ${ADMIN_TOKEN}` } as const;

/** Logs in through the form and returns the session cookie (`name=value`). */
export async function login(app: AdminApp): Promise<string> {
  const response = await app.request('/login', {
    method: 'POST',
    body: new URLSearchParams({ token: ADMIN_TOKEN, next: '/' }),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  const cookie = response.headers.get('set-cookie') ?? '';
  const pair = cookie.split(';')[0];
  if (response.status !== 303 || !pair) throw new Error(`login failed: ${response.status}`);
  return pair;
}

/** The CSRF token the pages carry. */
export async function csrfToken(app: AdminApp, cookie: string): Promise<string> {
  const html = await (await app.request('/', { headers: { cookie } })).text();
  const token = /<meta name="csrf-token" content="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error('no csrf token on the overview');
  return token;
}
