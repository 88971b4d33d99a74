import { parseConfig, type ResolvedConfig } from 'siphon-sync';
import { createAdminApp } from 'siphon-sync/admin';
import { type MetricsServer, SiphonMetrics, serveMetrics } from 'siphon-sync/metrics';
import { openStore, type Store } from 'siphon-sync/store';
import { syncResources } from 'siphon-sync/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, dialects, type TestDatabase } from './helpers/databases.js';
import { sendJson, startServer, type TestServer } from './helpers/test-server.js';

const TOKEN = 'metrics-test-token-0123456789abcdef';

/** `name{labels} value` lines of the Prometheus text format, keyed by everything before the value. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

describe.each(dialects)('Prometheus metrics of real runs (%s)', (dialect) => {
  let db: TestDatabase;
  let store: Store;
  let api: TestServer;
  let config: ResolvedConfig;
  let metrics: SiphonMetrics;

  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    // Three pages of ten; the second page fails once with 503 before it answers.
    let failedOnce = false;
    api = await startServer((_req, res, seen) => {
      if (seen.url.pathname === '/broken') return sendJson(res, 404, { detail: 'gone' });
      const page = Number(seen.url.searchParams.get('page') ?? 1);
      if (page === 2 && !failedOnce) {
        failedOnce = true;
        return sendJson(res, 503, { error: 'busy' });
      }
      const items = page <= 3 ? Array.from({ length: 10 }, (_, index) => ({ id: (page - 1) * 10 + index + 1 })) : [];
      return sendJson(res, 200, { items });
    });
    config = parseConfig({
      database: db.url,
      sources: {
        api: {
          baseUrl: api.url,
          retry: { retries: 2, base: '10ms', max: '20ms' },
          resources: {
            items: {
              path: '/items',
              paginator: { type: 'pageNumber', pageParam: 'page', start: 1 },
              records: 'items',
              primaryKey: 'id',
              concurrency: 1,
            },
            broken: { path: '/broken', paginator: 'single', primaryKey: 'id' },
          },
        },
      },
    });
    store = await openStore(db.url);
    await store.init();
    metrics = new SiphonMetrics({ config, store, processMetrics: false });
    await syncResources({ config, store, onEvent: (event) => metrics.observe(event) });
  });
  afterAll(async () => {
    await store?.close();
    await api?.close();
    await db?.drop();
  });

  it('counts runs, records, requests by status, retries and the last success, as the server saw them', async () => {
    const values = samples(await metrics.text());
    expect(values.get('siphon_runs_total{resource="api.items",status="succeeded"}')).toBe(1);
    expect(values.get('siphon_runs_total{resource="api.broken",status="failed"}')).toBe(1);
    expect(values.get('siphon_records_written_total{resource="api.items"}')).toBe(30);
    expect(values.get('siphon_records_written_total{resource="api.broken"}')).toBe(0);
    // Pages 1-3 answered, page 4 empty, and the 503 before page 2's answer: what the server counted.
    expect(api.requests.filter((request) => request.url.pathname === '/items')).toHaveLength(5);
    expect(values.get('siphon_requests_total{source="api",status="200"}')).toBe(4);
    expect(values.get('siphon_requests_total{source="api",status="503"}')).toBe(1);
    expect(values.get('siphon_retries_total{resource="api.items"}')).toBe(1);
    expect(values.get('siphon_run_duration_seconds_count{resource="api.items",status="succeeded"}')).toBe(1);
    expect(values.get('siphon_runs_running{resource="api.items"}')).toBe(0);
    const state = await store.runs.state('api.items');
    expect(values.get('siphon_last_success_timestamp_seconds{resource="api.items"}')).toBe(Date.parse(state?.lastSuccessAt ?? '') / 1000);
    expect(values.has('siphon_last_success_timestamp_seconds{resource="api.broken"}')).toBe(false);
  });

  it('the admin serves them at /metrics behind its token, or in the open with metricsPublic', async () => {
    const guarded = createAdminApp({ config, store, token: TOKEN, metrics: metrics.handler() });
    expect((await guarded.request('/metrics')).status).toBe(401);
    const scraped = await guarded.request('/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(scraped.status).toBe(200);
    expect(scraped.headers.get('content-type')).toContain('text/plain');
    expect(await scraped.text()).toContain('siphon_runs_total{resource="api.items",status="succeeded"} 1');

    const open = createAdminApp({ config, store, token: TOKEN, metrics: metrics.handler(), metricsPublic: true });
    expect((await open.request('/metrics')).status).toBe(200);
    // Only /metrics is open: the rest still needs the token.
    expect((await open.request('/api/v1/runs')).status).toBe(401);
  });
});

describe('a metrics server of its own (siphon worker --metrics-port)', () => {
  const config = parseConfig({
    database: 'sqlite::memory:',
    sources: { api: { baseUrl: 'http://127.0.0.1:9', resources: { items: { path: '/items' } } } },
  });
  let server: MetricsServer | undefined;
  afterAll(async () => {
    await server?.close();
  });

  it('answers GET /metrics with the worker label, and 401 without the token', async () => {
    const metrics = new SiphonMetrics({ config, labels: { worker: 'host-a:42' } });
    server = await serveMetrics({ metrics, port: 0, token: TOKEN });
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    const response = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain('siphon_records_written_total{resource="api.items",worker="host-a:42"} 0');
    expect(text).toContain('siphon_process_cpu_user_seconds_total');
    expect((await fetch(`${server.url}/other`)).status).toBe(404);
  });

  it('refuses an address beyond this machine without a token, unless made public', async () => {
    const metrics = new SiphonMetrics({ config, processMetrics: false });
    await expect(serveMetrics({ metrics, port: 0, host: '0.0.0.0' })).rejects.toThrow(/SIPHON_ADMIN_TOKEN.*--metrics-public/);
    const open = await serveMetrics({ metrics, port: 0, host: '0.0.0.0', public: true });
    await open.close();
  });
});
