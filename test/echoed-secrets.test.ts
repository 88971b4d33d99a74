import { type AuthConfig, HttpClient, parseConfig } from 'siphon-sync';
import { openStore, type Store } from 'siphon-sync/store';
import { syncResources } from 'siphon-sync/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './helpers/databases.js';
import { sendJson, startServer, type TestServer } from './helpers/test-server.js';

// A password with characters that URL-encoding and base64 both change.
const PASSWORD = 'pa ss/wörd+42';
const TOKEN = 'tok-8c1d55e0f3';
const KEY = 'key-77ab12cd';

/** Every form a server could echo a credential in. */
function forms(secret: string): string[] {
  return [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')];
}

function leaks(text: string, secrets: readonly string[]): string[] {
  return secrets.flatMap(forms).filter((form) => text.includes(form));
}

/** Answers `status` with everything the request carried: headers and query. */
async function echoServer(status: number): Promise<TestServer> {
  return startServer((_req, res, seen) => {
    sendJson(res, status, { error: 'denied', authorization: seen.headers.authorization, query: seen.url.search, headers: seen.headers });
  });
}

describe('a server echoing the credential back', () => {
  const servers: TestServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
  });

  const cases: [string, AuthConfig, string[]][] = [
    ['bearer', { type: 'bearer', token: TOKEN }, [TOKEN]],
    ['basic', { type: 'basic', username: 'ann', password: PASSWORD }, [PASSWORD, `ann:${PASSWORD}`]],
    ['apiKey in query', { type: 'apiKey', in: 'query', name: 'k', value: KEY }, [KEY]],
  ];
  for (const status of [401, 500]) {
    for (const [kind, auth, secrets] of cases) {
      it(`${kind}, HTTP ${status}: the error shows none of its forms`, async () => {
        const api = await echoServer(status);
        servers.push(api);
        const client = new HttpClient({ auth, retry: false });
        const error = await client.getJson(`${api.url}/things`).then(
          () => undefined,
          (failure: unknown) => failure as Error & { bodySnippet?: string },
        );
        await client.close();
        expect(error?.message).toContain(`HTTP ${status}`);
        expect(error?.message).toContain('denied');
        expect(leaks(`${error?.message} ${error?.bodySnippet} ${JSON.stringify(error)}`, secrets)).toEqual([]);
      });
    }
  }

  it('an OAuth2 token endpoint echoing Basic base64(id:secret) is masked', async () => {
    const tokens = await startServer((_req, res, seen) => {
      sendJson(res, 400, { error: 'invalid_client', received: seen.headers.authorization });
    });
    servers.push(tokens);
    const api = await echoServer(200);
    servers.push(api);
    const secret = 'cs-5f0e9a7b';
    const client = new HttpClient({
      auth: {
        type: 'oauth2ClientCredentials',
        tokenUrl: `${tokens.url}/token`,
        clientId: 'app',
        clientSecret: secret,
        clientAuth: 'basic',
      },
      retry: false,
    });
    const error = await client.getJson(`${api.url}/things`).then(
      () => undefined,
      (failure: unknown) => failure as Error,
    );
    await client.close();
    expect(error?.message).toContain('invalid_client');
    expect(leaks(String(error?.message), [secret, `app:${secret}`])).toEqual([]);
  });
});

describe('run history of a run against an echoing server', () => {
  let db: TestDatabase;
  let store: Store;
  let api: TestServer;
  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    store = await openStore(db.url);
    await store.init();
    api = await echoServer(401);
  });
  afterAll(async () => {
    await store.close();
    await api.close();
    await db.drop();
  });

  it('stores the error with the basic credential masked in every form', async () => {
    const config = parseConfig(
      {
        database: db.url,
        sources: {
          api: {
            baseUrl: api.url,
            auth: { type: 'basic', username: 'ann', password: '${env:PASSWORD}' },
            resources: { things: { path: '/things', primaryKey: 'id' } },
          },
        },
      },
      { env: { PASSWORD } },
    );
    const events: string[] = [];
    const [outcome] = await syncResources({ config, store, onEvent: (event) => events.push(JSON.stringify(event)) });
    expect(outcome?.error?.message).toContain('HTTP 401');
    const stored = await store.runs.get(outcome?.run.id ?? 0);
    expect(stored?.error).toContain('HTTP 401');
    const secrets = [PASSWORD, `ann:${PASSWORD}`];
    expect(leaks(`${outcome?.error?.message} ${JSON.stringify(stored)} ${events.join('\n')}`, secrets)).toEqual([]);
  });
});
