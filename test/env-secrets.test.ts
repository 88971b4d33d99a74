import { HttpClient, paginate, parseConfig } from 'siphon-sync';
import { openStore, type Store } from 'siphon-sync/store';
import { syncResources } from 'siphon-sync/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableRows } from './helpers/async.js';
import { createTestDatabase, type TestDatabase } from './helpers/databases.js';
import { sendJson, startServer, type TestServer } from './helpers/test-server.js';

// Names that look nothing like credentials: only their `${env:…}` origin says they are.
const ENV = { SUB_KEY: 'subkey-7d1f0c2e', AUTH_KEY: 'authkey-93ab41', OWM_APPID: 'appid-5e8f2d' };
const SECRETS = Object.values(ENV);

function leaked(text: string): string[] {
  return SECRETS.filter((secret) => text.includes(secret));
}

describe('values from ${env:…} are secrets whatever their name', () => {
  let db: TestDatabase;
  let store: Store;
  const servers: TestServer[] = [];
  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    store = await openStore(db.url);
    await store.init();
  });
  afterAll(async () => {
    await store.close();
    await Promise.all(servers.map((server) => server.close()));
    await db.drop();
  });

  const configFor = (baseUrl: string) =>
    parseConfig(
      {
        database: db.url,
        sources: {
          weather: {
            baseUrl,
            headers: { 'Ocp-Apim-Subscription-Key': '${env:SUB_KEY}', 'X-Auth-Key': '${env:AUTH_KEY}' },
            retry: { retries: 0 },
            resources: {
              cities: {
                path: '/cities',
                params: { appid: '${env:OWM_APPID}' },
                paginator: { type: 'nextUrl', nextPath: 'next' },
                records: 'items',
                primaryKey: 'id',
              },
            },
          },
        },
      },
      { env: ENV },
    );

  it('never sends them to another origin on a next link', async () => {
    const other = await startServer((_req, res) => sendJson(res, 200, { items: [{ id: 3 }], next: null }));
    servers.push(other);
    const api = await startServer((_req, res, seen) => {
      // The server repeats the query it got, as many APIs do in their next links.
      sendJson(res, 200, { items: [{ id: 1 }, { id: 2 }], next: `${other.url}/cities${seen.url.search}&page=2` });
    });
    servers.push(api);
    const [outcome] = await syncResources({ config: configFor(api.url), store });
    expect(outcome?.error).toBeUndefined();
    const home = api.requests[0];
    expect(home?.headers['x-auth-key']).toBe(ENV.AUTH_KEY);
    expect(home?.headers['ocp-apim-subscription-key']).toBe(ENV.SUB_KEY);
    expect(home?.url.searchParams.get('appid')).toBe(ENV.OWM_APPID);
    expect(other.requests).toHaveLength(1);
    const away = other.requests[0];
    expect(away?.url.searchParams.get('page')).toBe('2');
    expect(leaked(`${away?.url} ${JSON.stringify(away?.headers)}`)).toEqual([]);
  });

  it('never sends them to another origin on a redirect (library option)', async () => {
    const other = await startServer((_req, res) => sendJson(res, 200, { ok: true }));
    servers.push(other);
    const api = await startServer((_req, res, seen) => {
      res.writeHead(302, { location: `${other.url}/moved${seen.url.search}` });
      res.end();
    });
    servers.push(api);
    const client = new HttpClient({ headers: { 'X-Session': ENV.AUTH_KEY }, secrets: [ENV.AUTH_KEY, ENV.OWM_APPID] });
    try {
      await client.getJson(`${api.url}/data?appid=${ENV.OWM_APPID}&q=paris`);
    } finally {
      await client.close();
    }
    const away = other.requests[0];
    expect(away?.url.searchParams.get('q')).toBe('paris');
    expect(leaked(`${away?.url} ${JSON.stringify(away?.headers)}`)).toEqual([]);
  });

  it('masks them in errors and run history, even when the server echoes them', async () => {
    const api = await startServer((_req, res, seen) => {
      sendJson(res, 404, { error: 'no such city', request: { query: seen.url.search, headers: seen.headers } });
    });
    servers.push(api);
    const events: string[] = [];
    const [outcome] = await syncResources({ config: configFor(api.url), store, onEvent: (event) => events.push(JSON.stringify(event)) });
    expect(outcome?.error?.message).toContain('HTTP 404');
    expect(leaked(String(outcome?.error?.message))).toEqual([]);
    const stored = await store.runs.get(outcome?.run.id ?? 0);
    expect(stored?.error).toContain('HTTP 404');
    expect(leaked(JSON.stringify(stored))).toEqual([]);
    expect(leaked(events.join('\n'))).toEqual([]);
  });
});

describe('stored page tokens carry no credentials', () => {
  const KEY = 'qk-31c9e7a4b2';
  let db: TestDatabase;
  let store: Store;
  let api: TestServer;
  let failPage2 = true;
  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    store = await openStore(db.url);
    await store.init();
    api = await startServer((_req, res, seen) => {
      const page = Number(seen.url.searchParams.get('page') ?? 1);
      if (seen.url.searchParams.get('api_key') !== KEY) return sendJson(res, 401, { error: 'no key' });
      if (page === 2 && failPage2) return sendJson(res, 503, { error: 'busy' });
      // The next link repeats the query, key included, as many APIs build it.
      const next = page < 3 ? `${api.url}/things?api_key=${KEY}&page=${page + 1}` : null;
      sendJson(res, 200, { items: [{ id: page }], next });
    });
  });
  afterAll(async () => {
    await store.close();
    await api.close();
    await db.drop();
  });

  it('page.token has no query key, and resuming from it sends the key again', async () => {
    failPage2 = false;
    const walk = { url: `${api.url}/things`, paginator: { type: 'nextUrl' as const }, records: 'items' };
    const auth = { type: 'apiKey' as const, in: 'query' as const, name: 'api_key', value: KEY };
    const tokens = [];
    for await (const page of paginate({ ...walk, auth })) tokens.push(page.token);
    expect(tokens).toHaveLength(3);
    expect(JSON.stringify(tokens)).not.toContain(KEY);
    const resumed = [];
    for await (const page of paginate({ ...walk, auth, resume: tokens[0] ?? undefined })) resumed.push(...page.records);
    expect(resumed).toEqual([{ id: 2 }, { id: 3 }]);
  });

  it('the checkpoint of a failed run has no query key, and the next run resumes with it', async () => {
    failPage2 = true;
    const config = parseConfig(
      {
        database: db.url,
        sources: {
          api: {
            baseUrl: api.url,
            auth: { type: 'apiKey', in: 'query', name: 'api_key', value: '${env:KEY}' },
            retry: { retries: 0 },
            resources: { things: { path: '/things', paginator: { type: 'nextUrl' }, records: 'items', primaryKey: 'id', batchSize: 1 } },
          },
        },
      },
      { env: { KEY } },
    );
    const [failed] = await syncResources({ config, store });
    expect(failed?.error?.message).toContain('HTTP 503');
    const stored = await store.runs.get(failed?.run.id ?? 0);
    expect(JSON.stringify(stored?.checkpoint)).toContain('page=2');
    expect(JSON.stringify(stored)).not.toContain(KEY);
    failPage2 = false;
    const [resumed] = await syncResources({ config, store });
    expect(resumed?.error).toBeUndefined();
    expect((await tableRows(store, 'things')).map((row) => Number(row.id)).sort()).toEqual([1, 2, 3]);
  });
});
