import { HttpClient, parseConfig } from 'siphon-sync';
import { openStore, type Store } from 'siphon-sync/store';
import { syncResources } from 'siphon-sync/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
