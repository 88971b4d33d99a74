import { ConfigError, CrossOriginError, fetchRecords, parseConfig, type WalkEvent } from 'siphon-sync';
import { type DemoApiServer, demoDataset, startDemoApi } from 'siphon-sync/demo-api';
import { openStore, type Store } from 'siphon-sync/store';
import { syncResources } from 'siphon-sync/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, tableRows } from './helpers/async.js';
import { createTestDatabase, dialects, type TestDatabase } from './helpers/databases.js';
import { readBody, sendJson, serversPerTest } from './helpers/test-server.js';

// POST and PUT with json or form bodies, a paginator's parameter in the body,
// and the HTTP rules a body follows: retried as it was, redirected as RFC 9110
// says, never carried to another origin with a secret in it.

const SEED = 5;
const data = demoDataset({ seed: SEED });
const ORDER_TYPES = ['order.created', 'order.refunded'];
const orders = data.cursorEvents.filter((event) => ORDER_TYPES.includes(event.type));

let demo: DemoApiServer;
beforeAll(async () => {
  demo = await startDemoApi({ seed: SEED });
});
afterAll(async () => {
  await demo.close();
});
const server = serversPerTest();

describe('request bodies over HTTP', () => {
  it('walks the demo search with the cursor in the JSON body: every matching event, once, in order', async () => {
    expect(orders.length).toBeGreaterThan(40);
    const records = await collect(
      fetchRecords<{ id: number }>({
        url: `${demo.url}/search/events`,
        method: 'POST',
        json: { types: ORDER_TYPES, limit: 25 },
        paginator: { type: 'cursor', cursorPath: 'next_cursor', cursorParam: 'cursor', in: 'body' },
        records: 'data',
      }),
    );
    expect(records.map((event) => event.id)).toEqual(orders.map((event) => event.id));
  });

  it('puts a page number at a JSON path of the body, keeps the rest of the body, and reads the page size there', async () => {
    const bodies: unknown[] = [];
    const api = await server(async (req, res) => {
      const body = JSON.parse(await readBody(req)) as { paging: { page: number; size: number }; q: string };
      bodies.push({ method: req.method, type: req.headers['content-type'], body });
      const start = (body.paging.page - 1) * body.paging.size;
      const ids = [1, 2, 3, 4, 5, 6, 7].slice(start, start + body.paging.size);
      sendJson(res, 200, { items: ids.map((id) => ({ id })) });
    });
    const records = await collect(
      fetchRecords<{ id: number }>({
        url: `${api.url}/search?lang=en`,
        method: 'PUT',
        json: { q: 'x', paging: { size: 3 } },
        paginator: { type: 'pageNumber', pageParam: 'paging.page', sizeParam: 'paging.size', in: 'body' },
        records: 'items',
      }),
    );
    expect(records.map((record) => record.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    // The short third page ends the walk: the size was read from the body.
    expect(bodies).toEqual(
      [1, 2, 3].map((page) => ({ method: 'PUT', type: 'application/json', body: { q: 'x', paging: { size: 3, page } } })),
    );
    expect(api.requests.every((request) => request.url.search === '?lang=en')).toBe(true);
  });

  it('sends a form body with an offset paginator in it', async () => {
    const forms: string[] = [];
    const api = await server(async (req, res) => {
      const text = await readBody(req);
      forms.push(`${req.headers['content-type']} ${text}`);
      const form = new URLSearchParams(text);
      const offset = Number(form.get('offset'));
      sendJson(res, 200, offset >= 4 ? [] : [{ id: offset + 1 }, { id: offset + 2 }]);
    });
    const records = await collect(
      fetchRecords({ url: api.url, method: 'POST', form: { tag: ['a', 'b'], limit: 2 }, paginator: { type: 'offset', in: 'body' } }),
    );
    expect(records).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }]);
    expect(forms[0]).toBe('application/x-www-form-urlencoded tag=a&tag=b&limit=2&offset=0');
    expect(forms[1]).toBe('application/x-www-form-urlencoded tag=a&tag=b&limit=2&offset=2');
  });

  it('resends the same body on a retry', async () => {
    const bodies: string[] = [];
    const api = await server(async (req, res, _seen, index) => {
      bodies.push(await readBody(req));
      if (index === 0) sendJson(res, 503, { error: 'busy' });
      else sendJson(res, 200, [{ id: 1 }]);
    });
    const events: WalkEvent[] = [];
    const records = await collect(
      fetchRecords({
        url: api.url,
        method: 'POST',
        json: { q: 'é ☃' },
        paginator: 'single',
        retry: { base: '10ms' },
        onEvent: (e) => events.push(e),
      }),
    );
    expect(records).toEqual([{ id: 1 }]);
    expect(events.filter((event) => event.type === 'retry')).toHaveLength(1);
    expect(bodies).toEqual(['{"q":"é ☃"}', '{"q":"é ☃"}']);
  });

  it('takes the rate budget like a GET: each POST after the first waits for a slot', async () => {
    const api = await server(async (req, res) => {
      const { page } = JSON.parse(await readBody(req)) as { page: number };
      sendJson(res, 200, page > 2 ? [] : [{ id: page }]);
    });
    const events: WalkEvent[] = [];
    const records = await collect(
      fetchRecords({
        url: api.url,
        method: 'POST',
        json: {},
        paginator: { type: 'pageNumber', in: 'body' },
        rateLimit: { requests: 1, per: '300ms' },
        onEvent: (event) => events.push(event),
      }),
    );
    expect(records).toEqual([{ id: 1 }, { id: 2 }]);
    // A budget of one request per window: each request after the first waited for it.
    expect(events.filter((event) => event.type === 'throttle').length).toBe(2);
  });

  it('follows a 303 with a GET without the body, and a 307 or 308 with the same method and body', async () => {
    const seen: string[] = [];
    const api = await server(async (req, res) => {
      const body = await readBody(req);
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      seen.push(`${req.method} ${path} ${body}`);
      if (path === '/see-other') res.writeHead(303, { location: '/result' }).end();
      else if (path === '/temporary') res.writeHead(307, { location: '/permanent' }).end();
      else if (path === '/permanent') res.writeHead(308, { location: '/result' }).end();
      else sendJson(res, 200, [{ id: 1 }]);
    });
    const post = { method: 'POST' as const, json: { q: 1 }, paginator: 'single' as const };
    await collect(fetchRecords({ url: `${api.url}/see-other`, ...post }));
    expect(seen.splice(0)).toEqual(['POST /see-other {"q":1}', 'GET /result ']);
    await collect(fetchRecords({ url: `${api.url}/temporary`, ...post }));
    expect(seen).toEqual(['POST /temporary {"q":1}', 'POST /permanent {"q":1}', 'POST /result {"q":1}']);
  });

  it('a 307 to another origin keeps the body but not the credentials; a body carrying a secret does not leave', async () => {
    const other = await server(async (req, res) => {
      sendJson(res, 200, [{ auth: req.headers.authorization ?? null, body: await readBody(req) }]);
    });
    const home = await server(async (req, res) => {
      await readBody(req);
      res.writeHead(307, { location: `${other.url}/elsewhere` }).end();
    });
    const auth = { type: 'bearer', token: 'tok-very-secret' } as const;
    const records = await collect(fetchRecords({ url: home.url, method: 'POST', json: { q: 'public' }, paginator: 'single', auth }));
    expect(records).toEqual([{ auth: null, body: '{"q":"public"}' }]);
    expect(home.requests[0]?.headers.authorization).toBe('Bearer tok-very-secret');

    const leaking = fetchRecords({ url: home.url, method: 'POST', json: { key: 'tok-very-secret' }, paginator: 'single', auth });
    await expect(collect(leaking)).rejects.toThrow(CrossOriginError);
    expect(other.requests).toHaveLength(1);
  });

  it('refuses a body on a GET, a body paginator without a body, and json with form, at the option', async () => {
    await expect(collect(fetchRecords({ url: demo.url, json: { q: 1 } }))).rejects.toThrow(/method.*POST/);
    await expect(collect(fetchRecords({ url: demo.url, method: 'POST', paginator: { type: 'cursor', in: 'body' } }))).rejects.toThrow(
      ConfigError,
    );
    await expect(collect(fetchRecords({ url: demo.url, method: 'POST', json: {}, form: {} }))).rejects.toThrow(/either json or form/);
  });
});

describe('config: method, json, form and in: body', () => {
  it('points at the key to fix', () => {
    const parse = (resource: Record<string, unknown>) => () =>
      parseConfig({
        database: 'sqlite::memory:',
        sources: { api: { baseUrl: demo.url, resources: { search: { path: '/s', ...resource } } } },
      });
    expect(parse({ json: { q: 1 } })).toThrow(/sources\.api\.resources\.search\.method: a json body is sent with POST or PUT/);
    expect(parse({ method: 'POST', paginator: { type: 'cursor', in: 'body' } })).toThrow(
      /sources\.api\.resources\.search\.paginator\.in: in: body puts the page parameter in the request body/,
    );
    expect(parse({ method: 'PATCH' })).toThrow(/sources\.api\.resources\.search\.method: expected one of GET, POST, PUT/);
    expect(parse({ method: 'POST', json: { q: () => 1 } })).toThrow(/sources\.api\.resources\.search\.json\.q/);
    expect(parse({ method: 'POST', paginator: { type: 'cursor', in: 'form' }, json: {} })).toThrow(/paginator\.in/);
  });
});

describe.each(dialects)('a POST search synced (%s)', (dialect) => {
  let db: TestDatabase;
  let store: Store;
  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    store = await openStore(db.url);
    await store.init();
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('stores every matching event exactly, from a YAML-shaped config', async () => {
    const config = parseConfig({
      database: db.url,
      sources: {
        demo: {
          baseUrl: demo.url,
          resources: {
            orders: {
              path: '/search/events',
              method: 'POST',
              json: { types: ORDER_TYPES, limit: 30 },
              paginator: { type: 'cursor', cursorPath: 'next_cursor', in: 'body' },
              records: 'data',
              primaryKey: 'id',
              columns: { amount: 'decimal(12,2)' },
            },
          },
        },
      },
    });
    const [outcome] = await syncResources({ config, store });
    expect(outcome?.error).toBeUndefined();
    expect(outcome?.run.status).toBe('succeeded');
    expect(outcome?.run.pages).toBe(Math.ceil(orders.length / 30));
    const rows = await tableRows(store, 'orders');
    expect(rows.map((row) => Number(row.id))).toEqual(orders.map((event) => event.id));
    expect(rows.map((row) => String(row.amount))).toEqual(orders.map((event) => event.amount.toFixed(2)));
  });
});

describe.each(dialects)('{parent.field} in params and bodies (%s)', (dialect) => {
  let db: TestDatabase;
  let store: Store;
  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    store = await openStore(db.url);
    await store.init();
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('a child walked once per parent row sends the parent value in its query and body, a lone placeholder keeping its type', async () => {
    const bodies: string[] = [];
    const api = await server(async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      // An id beyond a double: it must reach the body with every digit.
      if (url.pathname === '/users') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('[{"id":9007199254740993},{"id":7}]');
        return;
      }
      const text = await readBody(req);
      bodies.push(text);
      const body = JSON.parse(text) as { label: string };
      sendJson(res, 200, [{ key: body.label, param: url.searchParams.get('owner_id') }]);
    });
    const config = parseConfig({
      database: db.url,
      sources: {
        api: {
          baseUrl: api.url,
          paginator: 'single',
          resources: {
            users: { path: '/users', primaryKey: 'id' },
            search: {
              path: '/search',
              method: 'POST',
              params: { owner_id: '{users.id}' },
              json: { owner: '{users.id}', label: 'user-{users.id}', nested: ['{users.id}'] },
              primaryKey: 'key',
            },
          },
        },
      },
    });
    const outcomes = await syncResources({ config, store });
    expect(outcomes.map((outcome) => outcome.error?.message)).toEqual([undefined, undefined]);
    expect(bodies.sort()).toEqual([
      '{"owner":7,"label":"user-7","nested":[7]}',
      '{"owner":9007199254740993,"label":"user-9007199254740993","nested":[9007199254740993]}',
    ]);
    const rows = await tableRows(store, 'search');
    expect(rows.map((row) => [row.key, row.param, String(row.users_id)]).sort()).toEqual([
      ['user-7', '7', '7'],
      ['user-9007199254740993', '9007199254740993', '9007199254740993'],
    ]);
  });

  it('a placeholder naming no resource is an error at its key', () => {
    const parse = () =>
      parseConfig({
        database: db.url,
        sources: { api: { baseUrl: demo.url, resources: { search: { path: '/s', method: 'POST', json: { q: { owner: '{user.id}' } } } } } },
      });
    expect(parse).toThrow(/sources\.api\.resources\.search\.json\.q\.owner: placeholder \{user\.id\}: source api has no resource "user"/);
  });
});
