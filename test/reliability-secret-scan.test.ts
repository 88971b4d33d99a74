import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from 'siphon-sync';
import { createAdminApp } from 'siphon-sync/admin';
import { openStore } from 'siphon-sync/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { createTestDatabase, type TestDatabase } from './helpers/databases.js';
import { sendJson, startServer, type TestServer } from './helpers/test-server.js';

// Every kind of credential Siphon sends, each against a server that echoes
// what it received (headers, query, the OAuth2 client's Basic header) into
// next links and error bodies; then every place a value could come out is
// scanned for every form of every secret: the CLI's output, the run history,
// its exports, the database's bytes on disk, and the admin's pages and API.
const ENV = {
  BEARER: 'bearer-9f2c71d0aa',
  DRF_TOKEN: 'drf-token-41be07',
  HEADER_KEY: 'hdr-key-c3e8a2',
  QUERY_KEY: 'qry-key-6d0b94',
  BASIC_PASSWORD: 'pa ss/wörd+basic',
  CLIENT_SECRET: 'client-secret-07ac3f',
  SESSION: 'session-a1b2c3d4e5',
  APPID: 'appid-ee91f0',
} as const;
/** Issued by the token endpoint: a secret Siphon learns at run time, not from the config. */
const ACCESS_TOKEN = 'access-token-5b7e2c90';
const ADMIN_TOKEN = 'secret-scan-admin-token-0123456789';

/** The forms a secret travels or is echoed in. */
function forms(secret: string): string[] {
  const base64 = Buffer.from(secret).toString('base64');
  return [...new Set([secret, encodeURIComponent(secret), base64, encodeURIComponent(base64)])];
}
const SECRETS = [
  ...Object.values(ENV),
  ACCESS_TOKEN,
  `ann:${ENV.BASIC_PASSWORD}`,
  `app:${ENV.CLIENT_SECRET}`,
  `app:${encodeURIComponent(ENV.CLIENT_SECRET)}`,
];
const FORMS = SECRETS.flatMap(forms);

function leaks(where: string, text: string): string[] {
  return FORMS.filter((form) => text.includes(form)).map((form) => `${where}: ${form}`);
}

/**
 * Page 1 answers two records and a next link that repeats the request's
 * query; page 2 fails with 500 and everything the request carried, so each
 * run fails with a checkpoint and an error holding the echo.
 */
function echoingApi(): Promise<TestServer> {
  return startServer((req, res, seen) => {
    if (seen.url.pathname === '/oauth/token') {
      if (seen.headers.authorization !== `Basic ${Buffer.from(`app:${ENV.CLIENT_SECRET}`).toString('base64')}`) {
        return sendJson(res, 401, { error: 'invalid_client', received: seen.headers.authorization ?? null });
      }
      return sendJson(res, 200, { access_token: ACCESS_TOKEN, token_type: 'Bearer', expires_in: 3600 });
    }
    const page = Number(seen.url.searchParams.get('page') ?? 1);
    const echo = { headers: seen.headers, url: req.url };
    if (page >= 2) return sendJson(res, 500, { error: 'upstream exploded', echo });
    const next = new URL(req.url ?? '/', `http://${req.headers.host}`);
    next.searchParams.set('page', String(page + 1));
    // The credentials also appear in the response headers, as some APIs reflect them.
    res.setHeader('x-echo-authorization', String(seen.headers.authorization ?? ''));
    return sendJson(res, 200, {
      items: [
        { id: 1, name: 'one' },
        { id: 2, name: 'two' },
      ],
      next: next.toString(),
    });
  });
}

function configYaml(database: string, api: string): string {
  const resource = (name: string) => `
      ${name}:
        path: /${name}
        paginator: { type: nextUrl, nextPath: next }
        records: items
        primaryKey: id
        batchSize: 2`;
  const source = (name: string, settings: string) => `
  ${name}:
    baseUrl: ${api}
    retry: { retries: 1, base: 10ms, max: 20ms }
${settings}
    resources:${resource(`${name}_items`)}`;
  return `
database: ${database}
sources:${source('bearer', '    auth: { type: bearer, token: "${env:BEARER}" }')}${source('drf', '    auth: { type: token, token: "${env:DRF_TOKEN}" }')}${source(
    'headerkey',
    '    auth: { type: apiKey, in: header, name: X-Api-Key, value: "${env:HEADER_KEY}" }',
  )}${source('querykey', '    auth: { type: apiKey, in: query, name: api_key, value: "${env:QUERY_KEY}" }')}${source(
    'basic',
    '    auth: { type: basic, username: ann, password: "${env:BASIC_PASSWORD}" }',
  )}${source(
    'oauth',
    `    auth: { type: oauth2ClientCredentials, tokenUrl: "${api}/oauth/token", clientId: app, clientSecret: "\${env:CLIENT_SECRET}", clientAuth: basic }`,
  )}${source('custom', '    headers: { X-Session: "${env:SESSION}" }\n    params: { appid: "${env:APPID}" }')}
`;
}

describe('secret scan: no credential in any output, whatever the server echoes', () => {
  let db: TestDatabase;
  let api: TestServer;
  let file: string;
  const outputs: [string, string][] = [];

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    api = await echoingApi();
    file = join(db.dir, 'siphon.yaml');
    writeFileSync(file, configYaml(`sqlite:${join(db.dir, 'scan.db')}`, api.url));
    const env = { ...ENV };
    const run = await runCli(['run', '--config', file], { env });
    outputs.push(['siphon run', `${run.stdout}\n${run.stderr}`]);
    expect(run.code, run.stderr).toBe(1);
    for (const args of [['runs'], ['export', '_siphon_runs', '--format', 'json'], ['export', '_siphon_runs', '--format', 'csv']]) {
      const result = await runCli([...args, '--config', file], { env });
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
      outputs.push([`siphon ${args.join(' ')}`, `${result.stdout}\n${result.stderr}`]);
    }
  }, 120_000);
  afterAll(async () => {
    await api.close();
    await db.drop();
  });

  it('every source really sent its credential, and every run failed on the echo', () => {
    const sent = api.requests.map((request) => JSON.stringify({ headers: request.headers, url: request.url.toString() }));
    for (const secret of [
      ...Object.values(ENV).filter((value) => value !== ENV.BASIC_PASSWORD && value !== ENV.CLIENT_SECRET),
      ACCESS_TOKEN,
    ]) {
      expect(
        sent.some((request) => forms(secret).some((form) => request.includes(form))),
        secret,
      ).toBe(true);
    }
    // The echo reached the error (so the masking was put to the test), for every source.
    expect(outputs[0]?.[1].match(/HTTP 500[^\n]*upstream exploded/g)?.length).toBeGreaterThanOrEqual(7);
  });

  it('the CLI: run output, run history and its exports', () => {
    expect(outputs.flatMap(([where, text]) => leaks(where, text))).toEqual([]);
  });

  it('the database file on disk, every page of it (a secret stored and masked later would still be there)', () => {
    const files = readdirSync(db.dir).filter((name) => name.startsWith('scan.db'));
    expect(files).toContain('scan.db');
    const found = files.flatMap((name) => leaks(name, readFileSync(join(db.dir, name)).toString('latin1')));
    // latin1 keeps every byte; UTF-8 text of the non-ASCII password is checked in its own encoding too.
    const utf8 = files.flatMap((name) => leaks(name, readFileSync(join(db.dir, name)).toString('utf8')));
    expect([...found, ...utf8]).toEqual([]);
  });

  it("the admin's pages and API", async () => {
    const config = await loadConfig({ file, env: { ...ENV } });
    const store = await openStore(config.database);
    try {
      const app = createAdminApp({ config, store, token: ADMIN_TOKEN });
      const headers = { authorization: `Bearer ${ADMIN_TOKEN}` };
      const runs = await store.runs.list({ limit: 50 });
      expect(runs.length).toBeGreaterThanOrEqual(7);
      const paths = [
        '/',
        '/runs',
        '/config',
        '/tables/bearer_items',
        '/tables/querykey_items',
        '/api/v1/runs',
        '/api/v1/sources',
        ...runs.flatMap((run) => [`/runs/${run.id}`, `/api/v1/runs/${run.id}`, `/api/v1/runs/${run.id}/events`]),
      ];
      const found: string[] = [];
      for (const path of paths) {
        const response = await app.request(path, { headers });
        expect(response.status, path).toBeLessThan(400);
        found.push(...leaks(path, await response.text()));
      }
      expect(found).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
