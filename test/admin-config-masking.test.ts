import { parseConfig } from 'siphon-sync';
import { createAdminApp } from 'siphon-sync/admin';
import { openStore, type Store } from 'siphon-sync/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, bearer } from './helpers/admin-fixture.js';

const SECRETS = {
  K_QUERY: 'query-secret-from-env-1',
  K_HEADER: 'header-secret-from-env-2',
  K_KEY: 'apikey-secret-from-env-3',
  PG_PASSWORD: 'pg-password-from-env-4',
  K_PATH: 'path-secret-from-env-9',
  K_BODY: 'body-secret-from-env-10',
};
const INLINE = [
  'inline-basic-password-5',
  'inline-url-key-6',
  'inline-param-token-7',
  'inline-db-password-8',
  'inline-body-key-11',
  'inline-form-token-12',
];

describe('the config as the admin shows it', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openStore('sqlite::memory:');
    await store.init();
  });
  afterAll(async () => {
    await store?.close();
  });

  it('names every ${env:NAME} and masks every credential written inline', async () => {
    const config = parseConfig(
      {
        database: `postgres://siphon:${INLINE[3]}@127.0.0.1:5432/siphon`,
        sources: {
          basic: {
            baseUrl: 'http://127.0.0.1:9/api',
            auth: { type: 'basic', username: 'reader', password: INLINE[0] },
            resources: {
              items: {
                path: '/items',
                primaryKey: 'id',
                params: { token: INLINE[2], api_key: INLINE[1], q: '${env:K_QUERY}', page_size: 50 },
              },
              children: { path: '/items/{items.id}/children' },
              search: {
                path: '/search',
                method: 'POST',
                json: { query: '${env:K_BODY}', auth: { api_key: INLINE[4] }, limit: 10 },
                responseActions: [{ status: 404, action: 'ignore' }],
                filter: { path: 'state', eq: 'open' },
              },
              form: { path: '/form', method: 'PUT', form: { access_token: INLINE[5], q: 'x' } },
            },
          },
          keyed: {
            baseUrl: 'http://127.0.0.1:9/${env:K_PATH}',
            headers: { authorization: 'Bearer ${env:K_HEADER}', accept: 'application/json' },
            auth: { type: 'apiKey', in: 'query', name: 'key', value: '${env:K_KEY}' },
            resources: { things: { path: '/things' } },
          },
        },
      },
      { env: SECRETS },
    );
    const app = createAdminApp({ config, store, token: ADMIN_TOKEN });
    // A checkpoint holding the next page's URL, as a nextUrl walk keeps it.
    const run = await store.runs.start({ resource: 'keyed.things', trigger: 'manual' });
    const table = { name: 'things', columns: [{ name: 'id', type: { kind: 'bigint' as const } }], primaryKey: ['id'] };
    await store.ensureTable(table);
    const next = `http://127.0.0.1:9/${SECRETS.K_PATH}/things?cursor=abc&api_key=${INLINE[1]}&q=${SECRETS.K_QUERY}`;
    await store.writeBatch({
      runId: run.id,
      table,
      mode: 'merge',
      rows: [{ id: 1 }],
      checkpoint: { page: { url: next } },
      pages: 1,
      records: 1,
      retries: 0,
      waitedMs: 0,
    });
    // A failed run whose error and cause chain name a URL with secrets in it.
    const failed = await store.runs.start({ resource: 'basic.items', trigger: 'manual' });
    await store.runs.fail(failed.id, `HTTP 500 from GET ${next}`);
    await store.runs.events.append(failed.id, [
      {
        at: new Date().toISOString(),
        type: 'run-end',
        data: { status: 'failed', error: [{ name: 'HttpStatusError', message: `HTTP 500 from GET ${next}` }] },
      },
    ]);
    await store.runs.events.append(run.id, [
      { at: new Date().toISOString(), type: 'page', data: { index: 0, records: 1, status: 200, url: next } },
    ]);
    for (const path of [
      `/api/v1/runs/${run.id}/events`,
      '/api/v1/config',
      '/config',
      '/api/v1/sources',
      '/',
      '/api/v1/resources',
      `/runs/${run.id}`,
      `/api/v1/runs/${run.id}`,
      `/runs/${failed.id}`,
      `/api/v1/runs/${failed.id}`,
      '/runs',
      '/api/v1/runs',
    ]) {
      const text = await (await app.request(path, { headers: bearer })).text();
      for (const secret of [...Object.values(SECRETS), ...INLINE]) expect(text, `${path} shows ${secret}`).not.toContain(secret);
    }
    const shown = (await (await app.request('/api/v1/config', { headers: bearer })).json()) as {
      database: string;
      sources: Record<
        string,
        {
          baseUrl: string;
          auth: Record<string, string>;
          headers?: Record<string, string>;
          resources: Record<string, { params?: Record<string, unknown>; url: string; [key: string]: unknown }>;
        }
      >;
    };
    const detail = (await (await app.request(`/api/v1/runs/${run.id}`, { headers: bearer })).json()) as {
      run: { checkpoint: { page: { url: string } } };
    };
    expect(detail.run.checkpoint.page.url).toBe('http://127.0.0.1:9/${env:K_PATH}/things?cursor=abc&api_key=***&q=${env:K_QUERY}');
    expect(shown.database).toBe('postgres://siphon:***@127.0.0.1:5432/siphon');
    expect(shown.sources.basic?.auth).toEqual({ type: 'basic', username: 'reader', password: '***' });
    expect(shown.sources.basic?.resources.items?.params).toEqual({ token: '***', api_key: '***', q: '${env:K_QUERY}', page_size: 50 });
    expect(shown.sources.basic?.resources.children?.url).toBe('http://127.0.0.1:9/api/items/{items.id}/children');
    const search = shown.sources.basic?.resources.search;
    expect(search?.json).toEqual({ query: '${env:K_BODY}', auth: { api_key: '***' }, limit: 10 });
    expect([search?.method, search?.responseActions, search?.filter]).toEqual([
      'POST',
      [{ status: 404, action: 'ignore' }],
      { path: 'state', eq: 'open' },
    ]);
    expect(shown.sources.basic?.resources.form?.form).toEqual({ access_token: '***', q: 'x' });
    expect(shown.sources.keyed?.baseUrl).toBe('http://127.0.0.1:9/${env:K_PATH}');
    expect(shown.sources.keyed?.auth).toEqual({ type: 'apiKey', in: 'query', name: 'key', value: '${env:K_KEY}' });
    expect(shown.sources.keyed?.headers).toEqual({ authorization: 'Bearer ${env:K_HEADER}', accept: 'application/json' });
  });
});
