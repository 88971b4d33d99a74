import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Auth, AuthContext, OutgoingRequest } from 'siphon-sync';
import { type AuthConfig, AuthError, authKinds, ConfigError, createAuth } from 'siphon-sync';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { apiKeyAuth, basicAuth, bearerAuth, oauth2ClientCredentialsAuth, tokenAuth } from '../src/http/auth/index.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const SECRET = 'sup3r/s3cret+value';

/** What the token endpoint does next; tests change it. */
let tokenBehaviour: { status: number; body: () => unknown; delayMs: number };
let tokenRequests: Seen[] = [];
let apiRequests: Seen[] = [];
let issued = 0;
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const seen: Seen = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      if (seen.url.startsWith('/oauth/token')) {
        tokenRequests.push(seen);
        const { status, body, delayMs } = tokenBehaviour;
        setTimeout(() => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body()));
        }, delayMs);
        return;
      }
      apiRequests.push(seen);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  tokenRequests = [];
  apiRequests = [];
  issued = 0;
  tokenBehaviour = { status: 200, body: () => ({ access_token: `tok-${++issued}`, token_type: 'Bearer', expires_in: 3600 }), delayMs: 0 };
});

function context(signal = new AbortController().signal): AuthContext {
  return { signal, fetch };
}

function request(path = '/items?page=2'): OutgoingRequest {
  return { method: 'GET', url: new URL(path, base), headers: new Headers() };
}

/** Applies `auth`, sends the request and returns what the server saw. */
async function send(auth: Auth, req = request()): Promise<Seen> {
  await auth.apply(req, context());
  const response = await fetch(req.url, { method: req.method, headers: req.headers });
  await response.text();
  return apiRequests.at(-1) as Seen;
}

function oauth(overrides: Partial<Extract<AuthConfig, { type: 'oauth2ClientCredentials' }>> = {}): Auth {
  return oauth2ClientCredentialsAuth({
    type: 'oauth2ClientCredentials',
    tokenUrl: `${base}/oauth/token`,
    clientId: 'client-1',
    clientSecret: SECRET,
    ...overrides,
  });
}

describe('static auth kinds', () => {
  it('bearer sends Authorization: Bearer', async () => {
    const auth = bearerAuth({ type: 'bearer', token: 'abc.def' });
    const seen = await send(auth);
    expect(seen.headers.authorization).toBe('Bearer abc.def');
    expect(auth.kind).toBe('bearer');
    expect(auth.secretNames).toEqual(['authorization']);
  });

  it('token sends the DRF scheme, or a custom one', async () => {
    expect((await send(tokenAuth({ type: 'token', token: 't0k' }))).headers.authorization).toBe('Token t0k');
    expect((await send(tokenAuth({ type: 'token', token: 't0k', scheme: 'Key' }))).headers.authorization).toBe('Key t0k');
  });

  it('apiKey goes in a header by default', async () => {
    const auth = apiKeyAuth({ type: 'apiKey', name: 'X-API-Key', value: 'k-123' });
    const seen = await send(auth);
    expect(seen.headers['x-api-key']).toBe('k-123');
    expect(seen.url).toBe('/items?page=2');
    expect(auth.secretNames).toEqual(['X-API-Key']);
  });

  it('apiKey in the query joins the existing parameters and replaces a stale key', async () => {
    const auth = apiKeyAuth({ type: 'apiKey', in: 'query', name: 'api_key', value: 'k&=1' });
    const seen = await send(auth, request('/items?page=2&api_key=old'));
    const url = new URL(seen.url, base);
    expect(url.searchParams.get('page')).toBe('2');
    expect(url.searchParams.getAll('api_key')).toEqual(['k&=1']);
    expect(seen.headers.authorization).toBeUndefined();
  });

  it('basic encodes user:password as UTF-8 base64', async () => {
    const seen = await send(basicAuth({ type: 'basic', username: 'jürgen', password: 'pä:ss' }));
    const header = seen.headers.authorization as string;
    expect(header.startsWith('Basic ')).toBe(true);
    expect(Buffer.from(header.slice(6), 'base64').toString('utf8')).toBe('jürgen:pä:ss');
  });

  it('basic allows an empty password', async () => {
    const seen = await send(basicAuth({ type: 'basic', username: 'sk_test', password: '' }));
    expect(Buffer.from((seen.headers.authorization as string).slice(6), 'base64').toString()).toBe('sk_test:');
  });
});

describe('oauth2ClientCredentials', () => {
  it('fetches a token once and reuses it', async () => {
    const auth = oauth({ scope: 'read write', audience: 'https://api.example', extraParams: { resource: 'items' } });
    expect((await send(auth)).headers.authorization).toBe('Bearer tok-1');
    expect((await send(auth)).headers.authorization).toBe('Bearer tok-1');
    expect(tokenRequests).toHaveLength(1);
    const [token] = tokenRequests as [Seen];
    expect(token.method).toBe('POST');
    expect(token.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(token.body);
    expect(Object.fromEntries(form)).toEqual({
      grant_type: 'client_credentials',
      scope: 'read write',
      audience: 'https://api.example',
      resource: 'items',
      client_id: 'client-1',
      client_secret: SECRET,
    });
    expect(token.headers.authorization).toBeUndefined();
  });

  it("clientAuth 'basic' sends the form-encoded credentials in Authorization", async () => {
    const auth = oauth({ clientAuth: 'basic' });
    await send(auth);
    const [token] = tokenRequests as [Seen];
    const form = new URLSearchParams(token.body);
    expect(form.get('grant_type')).toBe('client_credentials');
    expect(form.has('client_secret')).toBe(false);
    expect(form.has('client_id')).toBe(false);
    const decoded = Buffer.from((token.headers.authorization as string).replace(/^Basic /, ''), 'base64').toString('utf8');
    const [id, secret] = decoded.split(':').map((part) => decodeURIComponent(part.replace(/\+/g, ' ')));
    expect(id).toBe('client-1');
    expect(secret).toBe(SECRET);
  });

  it('shares one token request among 10 concurrent applies', async () => {
    tokenBehaviour.delayMs = 100;
    const auth = oauth();
    const requests = Array.from({ length: 10 }, () => request());
    await Promise.all(requests.map((req) => auth.apply(req, context())));
    expect(tokenRequests).toHaveLength(1);
    for (const req of requests) expect(req.headers.get('authorization')).toBe('Bearer tok-1');
  });

  it('a caller giving up does not fail the others waiting for the same token', async () => {
    tokenBehaviour.delayMs = 150;
    const auth = oauth();
    const quitter = new AbortController();
    const first = auth.apply(request(), context(quitter.signal));
    const second = request();
    const secondDone = auth.apply(second, context());
    quitter.abort(new Error('walk cancelled'));
    await expect(first).rejects.toThrow('walk cancelled');
    await secondDone;
    expect(second.headers.get('authorization')).toBe('Bearer tok-1');
    expect(tokenRequests).toHaveLength(1);
  });

  it('refreshes after expires_in runs out', async () => {
    tokenBehaviour.body = () => ({ access_token: `tok-${++issued}`, expires_in: 1 });
    const auth = oauth({ refreshMarginMs: 0 });
    expect((await send(auth)).headers.authorization).toBe('Bearer tok-1');
    expect((await send(auth)).headers.authorization).toBe('Bearer tok-1');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await send(auth)).headers.authorization).toBe('Bearer tok-2');
    expect(tokenRequests).toHaveLength(2);
  });

  it('without expires_in keeps the token until onUnauthorized drops it', async () => {
    tokenBehaviour.body = () => ({ access_token: `tok-${++issued}` });
    const auth = oauth();
    expect((await send(auth)).headers.authorization).toBe('Bearer tok-1');
    expect((await send(auth)).headers.authorization).toBe('Bearer tok-1');
    expect(await auth.onUnauthorized?.(context())).toBe(true);
    expect((await send(auth)).headers.authorization).toBe('Bearer tok-2');
    expect(tokenRequests).toHaveLength(2);
  });

  it('throws AuthError with the status and no secret when the token endpoint refuses', async () => {
    tokenBehaviour = {
      status: 401,
      // A server echoing the request back: the secret must still not reach the message.
      body: () => ({ error: 'invalid_client', echo: `client_secret=${encodeURIComponent(SECRET)}`, raw: SECRET }),
      delayMs: 0,
    };
    const auth = oauth();
    const error = await Promise.resolve(auth.apply(request(), context())).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AuthError);
    const message = (error as AuthError).message;
    expect(message).toContain('401');
    expect(message).toContain('invalid_client');
    expect(message).not.toContain(SECRET);
    expect(message).not.toContain(encodeURIComponent(SECRET));
    expect((error as AuthError).kind).toBe('oauth2ClientCredentials');
  });

  it('throws AuthError on a 2xx answer without access_token, and retries on the next apply', async () => {
    tokenBehaviour.body = () => ({ token_type: 'Bearer' });
    const auth = oauth();
    await expect(auth.apply(request(), context())).rejects.toThrow(/without an access_token/);
    tokenBehaviour.body = () => ({ access_token: 'late' });
    expect((await send(auth)).headers.authorization).toBe('Bearer late');
  });
});

describe('createAuth', () => {
  it('builds every registered kind', () => {
    expect(Object.keys(authKinds)).toEqual(['bearer', 'token', 'apiKey', 'basic', 'oauth2ClientCredentials']);
    expect(createAuth({ type: 'bearer', token: 'x' }).kind).toBe('bearer');
    expect(createAuth({ type: 'apiKey', in: 'query', name: 'key', value: 'v' }).secretNames).toEqual(['key']);
  });

  it('passes an Auth object through', () => {
    const custom: Auth = { kind: 'custom', secretNames: [], apply: () => undefined };
    expect(createAuth(custom)).toBe(custom);
  });

  it('rejects an unknown type, listing the valid ones', () => {
    expect(() => createAuth({ type: 'digest' } as unknown as AuthConfig, 'sources.api.auth')).toThrow(ConfigError);
    expect(() => createAuth({ type: 'digest' } as unknown as AuthConfig, 'sources.api.auth')).toThrow(
      'sources.api.auth.type: unknown auth type "digest"; expected one of bearer, token, apiKey, basic, oauth2ClientCredentials',
    );
  });

  it('suggests the closest kind for a misspelt one, and rejects unknown options', () => {
    expect(() => createAuth({ type: 'bearr', token: 'x' } as unknown as AuthConfig)).toThrow(
      'auth.type: unknown auth type "bearr" (did you mean "bearer"?); expected one of bearer, token, apiKey, basic, oauth2ClientCredentials',
    );
    expect(() => createAuth({ type: 'bearer', token: 'x', tokne: 'y' } as AuthConfig)).toThrow(
      'auth.tokne: unknown option for bearer auth (did you mean "token"?); valid options: type, token',
    );
  });

  it('checks a config with the schema its kind exports', () => {
    const config = { type: 'basic', username: 'a:b', password: '' } as const;
    expect(authKinds.basic.schema.safeParse(config).success).toBe(false);
    expect(() => createAuth(config)).toThrow('auth.username: must not contain ":" (RFC 7617)');
    expect(authKinds.basic.schema.safeParse({ ...config, username: 'ab' }).success).toBe(true);
  });

  it('names the path of a missing or empty field', () => {
    const attempt = (config: unknown): ConfigError => {
      try {
        createAuth(config as AuthConfig);
      } catch (error) {
        return error as ConfigError;
      }
      throw new Error('expected a ConfigError');
    };
    expect(attempt({ type: 'bearer' }).path).toBe('auth.token');
    expect(attempt({ type: 'bearer', token: '' }).message).toMatch(/^auth\.token: is required/);
    expect(attempt({ type: 'token', token: '  ' }).path).toBe('auth.token');
    expect(attempt({ type: 'apiKey', value: 'v' }).path).toBe('auth.name');
    expect(attempt({ type: 'apiKey', name: 'k', value: 'v', in: 'cookie' }).path).toBe('auth.in');
    expect(attempt({ type: 'basic', password: 'p' }).path).toBe('auth.username');
    expect(attempt({ type: 'oauth2ClientCredentials', tokenUrl: 'https://a/t', clientId: 'c' }).path).toBe('auth.clientSecret');
    expect(attempt({ type: 'oauth2ClientCredentials', tokenUrl: 'not a url', clientId: 'c', clientSecret: 's' }).path).toBe(
      'auth.tokenUrl',
    );
    expect(attempt({ type: 'bearer', token: 'a\r\nX-Evil: 1' }).path).toBe('auth.token');
    expect(attempt({}).path).toBe('auth.type');
    expect(attempt(null).path).toBe('auth');
  });
});
