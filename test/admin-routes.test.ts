import { parseJson } from 'siphon-sync';
import { createAdminApp, serveAdmin } from 'siphon-sync/admin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  type AdminFixture,
  bearer,
  csrfToken,
  ENV_SECRET,
  INLINE_SECRET,
  login,
  startAdminFixture,
} from './helpers/admin-fixture.js';
import { waitFor } from './helpers/async.js';
import { dialects } from './helpers/databases.js';

const html = { accept: 'text/html' } as const;
const form = (fields: Record<string, string>) => ({
  body: new URLSearchParams(fields),
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
});

/** `event: x\ndata: y` blocks of a Server-Sent Events body. */
function sseEvents(text: string): { event: string; data: string }[] {
  return text
    .split('\n\n')
    .filter((block) => block.includes('data:'))
    .map((block) => ({
      event: /^event: ?(.*)$/m.exec(block)?.[1] ?? 'message',
      data: block
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.replace(/^data: ?/, ''))
        .join('\n'),
    }));
}

describe.each(dialects)('admin routes (%s)', (dialect) => {
  let fixture: AdminFixture;
  let cookie: string;
  let csrf: string;
  let succeededRun: number;
  let failedRun: number;
  let rowKey: string;

  beforeAll(async () => {
    fixture = await startAdminFixture(dialect);
    cookie = await login(fixture.app);
    csrf = await csrfToken(fixture.app, cookie);
    const runs = await fixture.store.runs.list({ limit: 10 });
    succeededRun = runs.find((run) => run.resource === 'api.coins')!.id;
    failedRun = runs.find((run) => run.resource === 'api.broken')!.id;
    rowKey = (await fixture.store.browse.page({ table: 'coins', limit: 1 })).rows[0]!.key;
  }, 60_000);

  afterAll(async () => {
    await fixture?.close();
  });

  const pages = () => [
    '/',
    '/runs',
    '/runs?resource=api.coins&status=succeeded&trigger=manual&from=2000-01-01&to=2999-12-31',
    `/runs/${succeededRun}`,
    `/runs/${failedRun}`,
    '/charts',
    '/charts?resource=api.broken',
    '/tables',
    '/tables/coins',
    '/tables/coins?sort=price&dir=desc&q=coin&f.price=>10&hide=supply&as.name=Coin',
    `/tables/coins/rows/${rowKey}`,
    '/tables/coins/export?format=csv',
    '/reports',
    '/reports/pricey',
    '/reports/pricey/export?format=json',
    '/config',
  ];

  /** Every GET route of the OpenAPI document, made concrete. */
  async function apiGets(): Promise<string[]> {
    const document = (await (await fixture.app.request('/api/v1/openapi.json', { headers: bearer })).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const values: Record<string, string> = { id: '', table: 'coins', key: rowKey, name: 'pricey' };
    return Object.entries(document.paths)
      .filter(([, methods]) => 'get' in methods)
      .map(([path]) =>
        path.replace(/\{(\w+)\}/g, (_, name: string) =>
          name === 'id' ? (path.startsWith('/api/v1/runs') ? String(succeededRun) : 'api.coins') : (values[name] ?? name),
        ),
      );
  }

  it('answers every page and API route with 200 to the token, and 401 without it', async () => {
    const gets = await apiGets();
    expect(gets).toEqual(
      expect.arrayContaining([
        '/api/v1/sources',
        '/api/v1/resources',
        '/api/v1/resources/api.coins',
        '/api/v1/resources/api.coins/series',
        '/api/v1/resources/api.coins/requests',
        '/api/v1/runs',
        `/api/v1/runs/${succeededRun}`,
        `/api/v1/runs/${succeededRun}/events`,
        `/api/v1/runs/${succeededRun}/live`,
        '/api/v1/tables',
        '/api/v1/tables/coins',
        '/api/v1/tables/coins/rows',
        `/api/v1/tables/coins/rows/${rowKey}`,
        '/api/v1/tables/coins/export',
        '/api/v1/reports',
        '/api/v1/reports/pricey',
        '/api/v1/reports/pricey/export',
        '/api/v1/config',
      ]),
    );
    for (const path of [...pages(), ...gets, '/api/v1/openapi.json']) {
      const withToken = await fixture.app.request(path, { headers: bearer });
      expect(withToken.status, `${path} with the token`).toBe(200);
      const body = await withToken.text();
      // No answer ever carries a secret of the config.
      expect(body, path).not.toContain(ENV_SECRET);
      expect(body, path).not.toContain(INLINE_SECRET);
      expect(body, path).not.toContain(ADMIN_TOKEN);
      const withCookie = await fixture.app.request(path, { headers: { cookie } });
      expect(withCookie.status, `${path} with the session cookie`).toBe(200);
      await withCookie.body?.cancel();
      const anonymous: Record<string, string>[] = [{}, html, { authorization: 'Bearer wrong-token' }, { cookie: 'siphon_admin=forged' }];
      for (const headers of anonymous) {
        const without = await fixture.app.request(path, { headers });
        expect(without.status, `${path} without the token (${JSON.stringify(headers)})`).toBe(401);
        expect(await without.text()).not.toContain('<table');
      }
    }
  });

  it('describes the API in OpenAPI 3.1: every path parameter declared, query parameters from the zod schemas', async () => {
    const document = (await (await fixture.app.request('/api/v1/openapi.json', { headers: bearer })).json()) as {
      openapi: string;
      paths: Record<
        string,
        Record<string, { operationId: string; parameters?: { name: string; in: string; schema: { type?: string } }[] }>
      >;
    };
    expect(document.openapi).toBe('3.1.0');
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
    );
    expect(new Set(operations.map(({ operation }) => operation.operationId)).size).toBe(operations.length);
    for (const { path, operation } of operations) {
      const placeholders = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
      const declared = (operation.parameters ?? []).filter((parameter) => parameter.in === 'path').map((parameter) => parameter.name);
      expect(declared, path).toEqual(placeholders);
    }
    const rows = operations.find(({ operation }) => operation.operationId === 'listRows')!.operation;
    expect(rows.parameters?.find((parameter) => parameter.name === 'filter')?.schema.type).toBe('array');
    expect(operations.find(({ operation }) => operation.operationId === 'runResource')?.method).toBe('post');
  });

  it('guards the assets it serves from the package', async () => {
    const page = await (await fixture.app.request('/charts', { headers: { cookie } })).text();
    const assets = [...page.matchAll(/(?:href|src)="(\/assets\/[^"]+)"/g)].map((match) => match[1]!);
    expect(assets).toHaveLength(4);
    for (const path of assets) {
      const response = await fixture.app.request(path, { headers: { cookie } });
      expect(response.status, path).toBe(200);
      expect(response.headers.get('cache-control')).toContain('immutable');
      expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(500);
      expect((await fixture.app.request(path)).status, path).toBe(401);
    }
    expect(page).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
  });

  it('logs in with the token, a printed ?token= URL or a one-time link; the cookie is HttpOnly and SameSite=Strict', async () => {
    const response = await fixture.app.request('/login', { method: 'POST', ...form({ token: ADMIN_TOKEN, next: '/tables' }) });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/tables');
    const setCookie = response.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^siphon_admin=[^;]+; Path=\/; HttpOnly; SameSite=Strict$/);
    expect(setCookie).not.toContain(ADMIN_TOKEN);

    const bad = await fixture.app.request('/login', { method: 'POST', ...form({ token: 'not-the-token', next: '/' }) });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('set-cookie')).toBeNull();
    const offSite = await fixture.app.request('/login', { method: 'POST', ...form({ token: ADMIN_TOKEN, next: '//evil.example/' }) });
    expect(offSite.headers.get('location')).toBe('/');

    const printed = await fixture.app.request(`/runs?resource=api.coins&token=${ADMIN_TOKEN}`);
    expect(printed.status).toBe(303);
    expect(printed.headers.get('location')).toBe('/runs?resource=api.coins');
    expect(printed.headers.get('set-cookie')).toContain('HttpOnly');

    const link = fixture.app.loginLink();
    const first = await fixture.app.request(link);
    expect(first.status).toBe(303);
    expect(first.headers.get('set-cookie')).toContain('siphon_admin=');
    const again = await fixture.app.request(link);
    expect(again.status).toBe(401);
    expect(again.headers.get('set-cookie')).toBeNull();
  });

  it('sends security headers: a strict content security policy, no referrer to other sites, nothing cached', async () => {
    const response = await fixture.app.request('/', { headers: { cookie } });
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(response.headers.get('referrer-policy')).toBe('same-origin');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const login = await fixture.app.request('/login');
    expect(login.status).toBe(200);
    expect(await login.text()).toContain('name="token"');
  });

  it('refuses an action without the right CSRF token (403), or from another origin', async () => {
    const path = '/resources/api.coins/run';
    for (const [fields, headers] of [
      [{}, {}],
      [{ _csrf: 'wrong' }, {}],
      [{ _csrf: csrf }, { origin: 'http://evil.example' }],
    ] as const) {
      const request = form(fields);
      const response = await fixture.app.request(path, {
        method: 'POST',
        body: request.body,
        headers: { ...request.headers, ...headers, cookie },
      });
      expect(response.status, JSON.stringify([fields, headers])).toBe(403);
    }
    const api = await fixture.app.request('/api/v1/resources/api.coins/run', {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': 'wrong' },
    });
    expect(api.status).toBe(403);
    expect(await api.json()).toMatchObject({ error: 'forbidden' });
    const logout = await fixture.app.request('/logout', { method: 'POST', headers: { cookie } });
    expect(logout.status).toBe(403);
    expect((await fixture.app.request('/api/v1/resources/api.coins/run', { method: 'POST' })).status).toBe(401);
    expect((await fixture.app.request(path, { method: 'POST', ...form({ _csrf: csrf }) })).status).toBe(401);
  });

  it('runs a resource now from the overview form and follows it to its end by Server-Sent Events', async () => {
    const request = form({ _csrf: csrf });
    const response = await fixture.app.request('/resources/api.coins/run', {
      method: 'POST',
      body: request.body,
      headers: { ...request.headers, cookie },
    });
    expect(response.status).toBe(303);
    const runId = Number(/^\/runs\/(\d+)$/.exec(response.headers.get('location') ?? '')?.[1]);
    expect(runId).toBeGreaterThan(succeededRun);
    const live = await fixture.app.request(`/api/v1/runs/${runId}/live`, { headers: bearer });
    expect(live.headers.get('content-type')).toContain('text/event-stream');
    const events = sseEvents(await live.text());
    const end = events.at(-1)!;
    expect(end.event).toBe('end');
    expect(JSON.parse(end.data)).toMatchObject({ id: runId, status: 'succeeded', records: 45 });
    const timeline = events.filter((event) => event.event === 'events').flatMap((event) => JSON.parse(event.data) as { type: string }[]);
    expect(timeline.map((event) => event.type)).toEqual(expect.arrayContaining(['run-start', 'page', 'progress', 'run-end']));
    const page = await (await fixture.app.request(`/runs/${runId}`, { headers: { cookie } })).text();
    expect(page).toContain('badge-succeeded');
    expect(page).toContain('page 4: 5 records, HTTP 200');
    const requests = (await (await fixture.app.request('/api/v1/resources/api.coins/requests?runs=1', { headers: bearer })).json()) as {
      runs: { runId: number; outcomes: Record<string, number> }[];
    };
    // Five pages of coins: the fifth reaches the announced total, so the walk asks no more.
    expect(requests.runs).toEqual([{ runId, startedAt: expect.any(String), outcomes: { '200': 5 } }]);
  });

  it('runs a resource from the API with the bearer token, no CSRF token needed', async () => {
    const response = await fixture.app.request('/api/v1/resources/api.broken/run', { method: 'POST', headers: bearer });
    expect(response.status).toBe(202);
    const body = (await response.json()) as { status: string; runId: number };
    expect(body.status).toBe('started');
    await waitFor(async () => (await fixture.store.runs.get(body.runId))?.status === 'failed', 10_000, 'the run to fail');
    const unknown = await fixture.app.request('/api/v1/resources/api.nope/run', { method: 'POST', headers: bearer });
    expect(unknown.status).toBe(404);
  });

  it("shows a failed run's error with its cause chain", async () => {
    const page = await (await fixture.app.request(`/runs/${failedRun}`, { headers: { cookie } })).text();
    expect(page).toContain('id="run-error"');
    expect(page).toContain('<strong>HttpStatusError</strong>');
    expect(page).toContain('HTTP 404');
    const detail = (await (await fixture.app.request(`/api/v1/runs/${failedRun}`, { headers: bearer })).json()) as {
      errorChain: { name: string; status: number }[];
    };
    expect(detail.errorChain[0]).toMatchObject({ name: 'HttpStatusError', status: 404 });
    const overview = await (await fixture.app.request('/', { headers: { cookie } })).text();
    expect(overview).toMatch(/<tr class="health-failed" data-resource="api\.broken">/);
  });

  it('pages the history with filters and keyset cursors', async () => {
    const first = (await (await fixture.app.request('/api/v1/runs?limit=1', { headers: bearer })).json()) as {
      runs: { id: number }[];
      older: number;
    };
    expect(first.runs).toHaveLength(1);
    const second = (await (await fixture.app.request(`/api/v1/runs?limit=1&before=${first.older}`, { headers: bearer })).json()) as {
      runs: { id: number }[];
      newer: number;
    };
    expect(second.runs[0]!.id).toBeLessThan(first.runs[0]!.id);
    expect(second.newer).toBe(second.runs[0]!.id);
    const failed = (await (await fixture.app.request('/api/v1/runs?status=failed', { headers: bearer })).json()) as {
      runs: { status: string }[];
    };
    expect(failed.runs.length).toBeGreaterThan(0);
    expect(failed.runs.every((run) => run.status === 'failed')).toBe(true);
    const bad = await fixture.app.request('/api/v1/runs?status=exploded', { headers: bearer });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toMatch(/^status:/);
  });

  it('browses a table by the API: decimals sorted numerically, filters, cursors, exact digits', async () => {
    const url = '/api/v1/tables/coins/rows?sort=price&dir=desc&filter=price:notnull&limit=7';
    const ids: number[] = [];
    let next: string | null = url;
    while (next) {
      const response: Response = await fixture.app.request(next, { headers: bearer });
      const body = parseJson(await response.text()) as { rows: { values: { id: bigint; price: number } }[]; next: string | null };
      ids.push(...body.rows.map((row) => Number(row.values.id)));
      next = body.next ? `${url}&after=${body.next}` : null;
    }
    const expected = fixture.coins
      .filter((coin) => coin.price !== null)
      .sort((a, b) => b.price! - a.price! || b.id - a.id)
      .map((coin) => coin.id);
    expect(ids).toEqual(expected);

    const text = await (await fixture.app.request(`/api/v1/tables/coins/rows/${rowKey}`, { headers: bearer })).text();
    expect(text).toContain('"supply":9007199254740993');
    const filtered = await fixture.app.request('/api/v1/tables/coins/rows?filter=price:gt:abc', { headers: bearer });
    expect(filtered.status).toBe(400);
    expect(((await filtered.json()) as { message: string }).message).toContain('price holds numbers');
    expect((await fixture.app.request('/api/v1/tables/_siphon_runs/rows', { headers: bearer })).status).toBe(404);
    expect((await fixture.app.request('/api/v1/tables/coins/rows?filter=nonsense', { headers: bearer })).status).toBe(400);
  });

  it('exports the current view of a table and a report', async () => {
    const csv = await (
      await fixture.app.request('/tables/coins/export?format=csv&q=bitcoin&sort=id&dir=desc', { headers: { cookie } })
    ).text();
    const expected = fixture.coins.filter((coin) => coin.name.startsWith('Bitcoin')).reverse();
    const lines = csv.trim().split(/\r?\n/);
    expect(lines[0]).toBe('id,name,price,supply');
    expect(lines.slice(1).map((line) => Number(line.split(',')[0]))).toEqual(expected.map((coin) => coin.id));
    expect(csv).toContain('9007199254740993');
    const report = await fixture.app.request('/api/v1/reports/pricey/export?format=json', { headers: bearer });
    expect(report.headers.get('content-disposition')).toBe('attachment; filename="pricey.json"');
    expect((parseJson(await report.text()) as unknown[]).length).toBe(fixture.coins.filter((coin) => coin.price !== null).length);
  });

  it('shows the config with ${env:NAME} by name and inline credentials masked', async () => {
    const page = await (await fixture.app.request('/config', { headers: { cookie } })).text();
    expect(page).toContain('token: ${env:ADMIN_TEST_SECRET}');
    expect(page).toContain('x-api-key: &quot;***&quot;');
    const api = (await (await fixture.app.request('/api/v1/config', { headers: bearer })).json()) as {
      sources: { api: { auth: { token: string }; headers: Record<string, string> } };
    };
    expect(api.sources.api.auth.token).toBe('${env:ADMIN_TEST_SECRET}');
    expect(api.sources.api.headers['x-api-key']).toBe('***');
  });

  it('answers unknown runs, resources and tables with 404', async () => {
    for (const path of ['/runs/999999', '/api/v1/runs/999999', '/tables/nope', '/api/v1/resources/api.nope', '/reports/nope', '/nowhere']) {
      const response = await fixture.app.request(path, { headers: bearer });
      expect(response.status, path).toBe(404);
      await response.body?.cancel();
    }
  });
});

describe('the admin app', () => {
  let fixture: AdminFixture;
  beforeAll(async () => {
    fixture = await startAdminFixture('sqlite');
  }, 60_000);
  afterAll(async () => {
    await fixture?.close();
  });

  it('mounts a metrics handler behind the same guard', async () => {
    const app = createAdminApp({
      config: fixture.config,
      store: fixture.store,
      token: ADMIN_TOKEN,
      metrics: async () => new Response('siphon_up 1\n', { headers: { 'content-type': 'text/plain' } }),
    });
    const response = await app.request('/metrics', { headers: bearer });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('siphon_up 1\n');
    expect((await app.request('/metrics')).status).toBe(401);
    // Without a runner the admin only reads: no Run now buttons, and asking is a conflict.
    expect(await (await app.request('/', { headers: bearer })).text()).not.toContain('Run now');
    expect((await app.request('/api/v1/resources/api.coins/run', { method: 'POST', headers: bearer })).status).toBe(409);
  });

  it('serves over HTTP on loopback, and refuses another address without a configured token', async () => {
    const server = await serveAdmin({ fetch: fixture.app.fetch, host: '127.0.0.1', port: 0, tokenConfigured: false });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const response = await fetch(`${server.url}/api/v1/resources`, { headers: bearer });
      expect(response.status).toBe(200);
      expect((await fetch(`${server.url}/api/v1/resources`)).status).toBe(401);
    } finally {
      await server.close();
    }
    await expect(serveAdmin({ fetch: fixture.app.fetch, host: '0.0.0.0', port: 0, tokenConfigured: false })).rejects.toThrow(
      /opens it beyond this machine; set SIPHON_ADMIN_TOKEN/,
    );
    expect(() => createAdminApp({ config: fixture.config, store: fixture.store, token: 'short' })).toThrow(/at least 16 characters/);
  });
});
