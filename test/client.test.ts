import {
  type ClientEvent,
  ConfigError,
  CrossOriginError,
  fetchRecords,
  HttpClient,
  HttpStatusError,
  NetworkError,
  RateLimitedError,
  ResponseBodyError,
  TimeoutError,
} from 'siphon-sync';
import { afterEach, describe, expect, it } from 'vitest';
import { sendJson, startServer, type TestServer } from './helpers/test-server.js';

const fast = { base: '20ms', max: '5s' } as const;
const servers: TestServer[] = [];
const clients: HttpClient[] = [];

async function server(...args: Parameters<typeof startServer>): Promise<TestServer> {
  const started = await startServer(...args);
  servers.push(started);
  return started;
}

function client(options: ConstructorParameters<typeof HttpClient>[0] = {}): HttpClient {
  const created = new HttpClient({ retry: fast, ...options });
  clients.push(created);
  return created;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('retries', () => {
  it.each([408, 425, 429, 500, 502, 503, 504])('retries HTTP %i and then succeeds', async (status) => {
    const api = await server((_req, res, _seen, index) => {
      if (index === 0) sendJson(res, status, { error: 'try later' });
      else sendJson(res, 200, [{ id: 1 }]);
    });
    const response = await client().getJson(`${api.url}/items`);
    expect(response.body).toEqual([{ id: 1 }]);
    expect(response.attempts).toBe(2);
    expect(api.requests).toHaveLength(2);
  });

  it.each([400, 401, 403, 404, 422])('fails at once on HTTP %i with status, redacted URL and body', async (status) => {
    const api = await server((_req, res) => sendJson(res, status, { detail: 'you did something wrong' }));
    const error = await client()
      .getJson(`${api.url}/items?api_key=sekret123&page=2`)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpStatusError);
    const httpError = error as HttpStatusError;
    expect(httpError.name).toBe('HttpStatusError');
    expect(httpError.status).toBe(status);
    expect(httpError.message).toContain(`HTTP ${status}`);
    expect(httpError.message).toContain('api_key=***');
    expect(httpError.message).toContain('page=2');
    expect(httpError.message).toContain('you did something wrong');
    expect(httpError.message).not.toContain('sekret123');
    expect(httpError.request.url).not.toContain('sekret123');
    expect(api.requests).toHaveLength(1);
  });

  it('gives up after the configured retries and says so', async () => {
    const api = await server((_req, res) => sendJson(res, 503, { error: 'down' }));
    const error = (await client({ retry: { ...fast, retries: 2 } })
      .getJson(`${api.url}/x`)
      .catch((e: unknown) => e)) as HttpStatusError;
    expect(error).toBeInstanceOf(HttpStatusError);
    expect(error.status).toBe(503);
    expect(error.attempt).toBe(3);
    expect(error.message).toContain('gave up after 3 attempts');
    expect(api.requests).toHaveLength(3);
  });

  it('backs off exponentially with full jitter, never above the cap', async () => {
    const api = await server((_req, res, _seen, index) => (index < 5 ? sendJson(res, 500, {}) : sendJson(res, 200, [])));
    const events: ClientEvent[] = [];
    await client({ retry: { retries: 5, base: '40ms', max: '200ms' }, onEvent: (e) => events.push(e) }).getJson(api.url);
    const waits = events.filter((e) => e.type === 'retry').map((e) => e.waitMs);
    expect(waits).toHaveLength(5);
    waits.forEach((wait, i) => {
      expect(wait).toBeGreaterThanOrEqual(0);
      expect(wait).toBeLessThanOrEqual(Math.min(200, 40 * 2 ** i));
    });
    // Every wait is honoured: the gap between attempts is at least the wait drawn.
    for (let i = 1; i < api.requests.length; i += 1) {
      const gap = (api.requests[i]?.at ?? 0) - (api.requests[i - 1]?.at ?? 0);
      expect(gap).toBeGreaterThanOrEqual((waits[i - 1] ?? 0) - 5);
    }
  });

  it('draws different waits each time (jitter), within the exponential ceiling', async () => {
    const api = await server((_req, res) => sendJson(res, 502, {}));
    const draws: number[] = [];
    for (let run = 0; run < 4; run += 1) {
      await client({ retry: { retries: 1, base: '50ms', max: '50ms' }, onEvent: (e) => draws.push(e.type === 'retry' ? e.waitMs : -1) })
        .getJson(api.url)
        .catch(() => undefined);
    }
    expect(draws).toHaveLength(4);
    expect(new Set(draws).size).toBeGreaterThan(1);
    for (const wait of draws) expect(wait).toBeLessThanOrEqual(50);
  });
});

describe('waits announced by the server', () => {
  async function gapAfter(headers: (now: number) => Record<string, string>, status = 429): Promise<number> {
    const api = await server((_req, res, _seen, index) => {
      if (index === 0) sendJson(res, status, { error: 'slow down' }, headers(Date.now()));
      else sendJson(res, 200, []);
    });
    await client({ retry: { retries: 2, base: '10ms', max: '10s' } }).getJson(api.url);
    expect(api.requests).toHaveLength(2);
    return (api.requests[1]?.at ?? 0) - (api.requests[0]?.at ?? 0);
  }

  it('Retry-After in seconds', async () => {
    expect(await gapAfter(() => ({ 'retry-after': '1' }))).toBeGreaterThanOrEqual(950);
  });

  it('Retry-After as an HTTP date', async () => {
    // HTTP dates have one-second resolution: two seconds ahead is at least one second away.
    const gap = await gapAfter((now) => ({ 'retry-after': new Date(now + 2000).toUTCString() }), 503);
    expect(gap).toBeGreaterThanOrEqual(950);
    expect(gap).toBeLessThan(4000);
  });

  it('X-RateLimit-Reset as epoch seconds', async () => {
    const gap = await gapAfter((now) => ({
      'x-ratelimit-limit': '10',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(Math.ceil((now + 1500) / 1000)),
    }));
    expect(gap).toBeGreaterThanOrEqual(450);
    expect(gap).toBeLessThan(4000);
  });

  it('X-RateLimit-Reset as a delta in seconds', async () => {
    const gap = await gapAfter(() => ({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1' }));
    expect(gap).toBeGreaterThanOrEqual(950);
  });

  it('IETF RateLimit / RateLimit-Policy', async () => {
    const gap = await gapAfter(() => ({ 'ratelimit-policy': '"default";q=10;w=60', ratelimit: '"default";r=0;t=1' }));
    expect(gap).toBeGreaterThanOrEqual(950);
  });

  it('Retry-After: 0 does not burn every retry instantly', async () => {
    const api = await server((_req, res, _seen, index) =>
      index < 3 ? sendJson(res, 429, {}, { 'retry-after': '0' }) : sendJson(res, 200, []),
    );
    await client({ retry: { retries: 3, base: '100ms', max: '1s' } }).getJson(api.url);
    expect(api.requests).toHaveLength(4);
    for (let i = 1; i < api.requests.length; i += 1) {
      expect((api.requests[i]?.at ?? 0) - (api.requests[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(95);
    }
  });

  it('fails instead of waiting longer than retry.max', async () => {
    const api = await server((_req, res) => sendJson(res, 429, {}, { 'retry-after': '3600' }));
    const error = (await client({ retry: { retries: 3, base: '10ms', max: '60s' } })
      .getJson(api.url)
      .catch((e: unknown) => e)) as HttpStatusError;
    expect(error).toBeInstanceOf(HttpStatusError);
    expect(error.message).toContain('asks to wait 3600 s');
    expect(api.requests).toHaveLength(1);
  });

  it('a 429 pauses every request of the source, not only the refused one', async () => {
    let refusedAt = 0;
    const api = await server((req, res, _seen, index) => {
      if (index === 0) {
        refusedAt = Date.now();
        sendJson(res, 429, {}, { 'retry-after': '1' });
      } else sendJson(res, 200, [req.url]);
    });
    const shared = client();
    const first = shared.getJson(`${api.url}/a`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const second = await shared.getJson(`${api.url}/b`);
    await first;
    const secondSeen = api.requests.find((r) => r.url.pathname === '/b');
    expect(second.body).toEqual(['/b']);
    expect((secondSeen?.at ?? 0) - refusedAt).toBeGreaterThanOrEqual(950);
  });

  it('retries a body-signaled limit on a 200 (CoinGecko status.error_code)', async () => {
    const limited = { status: { error_code: 429, error_message: "You've exceeded the Rate Limit." } };
    const api = await server((_req, res, _seen, index) => sendJson(res, 200, index < 2 ? limited : [{ id: 'bitcoin' }]));
    const response = await client({ rateLimitedWhen: { path: 'status.error_code', equals: 429 } }).getJson(api.url);
    expect(response.body).toEqual([{ id: 'bitcoin' }]);
    expect(response.attempts).toBe(3);

    const always = await server((_req, res) => sendJson(res, 200, limited));
    const error = await client({ retry: { ...fast, retries: 1 }, rateLimitedWhen: { path: 'status.error_code', equals: 429 } })
      .getJson(always.url)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as Error).message).toContain('status.error_code = 429');
  });
});

describe('broken connections and bodies', () => {
  it('times out a stalled response and retries it', async () => {
    const api = await server((_req, res, _seen, index) => {
      if (index > 0) sendJson(res, 200, []);
      // the first request is never answered
    });
    const response = await client({ timeout: '200ms' }).getJson(api.url);
    expect(response.attempts).toBe(2);

    const stalled = await server(() => undefined);
    const error = await client({ timeout: '150ms', retry: false })
      .getJson(stalled.url)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toContain('timed out after 150 ms');
  });

  it('retries a reset connection; without retries names the failure', async () => {
    const api = await server((req, res, _seen, index) => {
      if (index === 0) req.socket.destroy();
      else sendJson(res, 200, [1]);
    });
    expect((await client().getJson(api.url)).body).toEqual([1]);

    const always = await server((req) => {
      req.socket.destroy();
    });
    const error = await client({ retry: false })
      .getJson(`${always.url}/x?token=abc`)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toContain('network error on GET');
    expect((error as Error).message).toContain('token=***');
  });

  it('retries a body cut short and reports it clearly when it persists', async () => {
    const truncate = (res: import('node:http').ServerResponse): void => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('[{"id": 1}, {"id"');
      setTimeout(() => res.socket?.destroy(), 20);
    };
    const api = await server((_req, res, _seen, index) => (index === 0 ? truncate(res) : sendJson(res, 200, [{ id: 1 }])));
    expect((await client().getJson(api.url)).attempts).toBe(2);

    const always = await server((_req, res) => truncate(res));
    const error = await client({ retry: { ...fast, retries: 1 } })
      .getJson(always.url)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toContain('response body cut short');
    expect((error as Error).message).toContain('gave up after 2 attempts');
  });

  it('a body arriving in pieces that split its characters reads whole, with no UTF-8 warning', async () => {
    // A literal U+FFFD in the data is not a bad byte; the pieces cut a 2-, a 3- and a 4-byte character in two.
    const text = '[{"name":"caf\u00e9 \u20ac \ud83d\ude00 \ufffd"}]';
    const bytes = Buffer.from(text);
    const cuts = [0, bytes.indexOf(0xc3) + 1, bytes.indexOf(0xe2) + 2, bytes.indexOf(0xf0) + 3, bytes.length];
    const api = await server(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': bytes.length });
      for (let at = 1; at < cuts.length; at += 1) {
        res.write(bytes.subarray(cuts[at - 1], cuts[at]));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      res.end();
    });
    const events: ClientEvent[] = [];
    const response = await client({ onEvent: (event) => events.push(event) }).getJson(api.url);
    expect(response.text).toBe(text);
    expect(response.body).toEqual([{ name: 'caf\u00e9 \u20ac \ud83d\ude00 \ufffd' }]);
    expect(events.filter((event) => event.type === 'warning')).toEqual([]);
  });

  it('refuses HTML and plain text with a snippet of what came back', async () => {
    const html = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><html><body><h1>Maintenance</h1></body></html>');
    });
    const error = (await client()
      .getJson(html.url)
      .catch((e: unknown) => e)) as ResponseBodyError;
    expect(error).toBeInstanceOf(ResponseBodyError);
    expect(error.message).toContain('expected JSON but got HTML');
    expect(error.message).toContain('Maintenance');
    expect(html.requests).toHaveLength(1);

    const text = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('OK then');
    });
    const textError = await client()
      .getJson(text.url)
      .catch((e: unknown) => e);
    expect((textError as Error).message).toContain('expected JSON but got text');

    const malformed = await server((_req, res) => sendJson(res, 200, '{"data": [1, 2'));
    const malformedError = await client()
      .getJson(malformed.url)
      .catch((e: unknown) => e);
    expect(malformedError).toBeInstanceOf(ResponseBodyError);
    expect((malformedError as Error).message).toContain('malformed or truncated');
  });
});

describe('numbers', () => {
  it('keeps integers beyond 2^53 and long decimals exact', async () => {
    const api = await server((_req, res) =>
      sendJson(res, 200, '[{"cap": 123456789012345678901, "price": 0.000012345678901234567, "small": 42, "f": 1.5}]'),
    );
    const [record] = (await client().getJson(api.url)).body as Record<string, unknown>[];
    expect(record?.cap).toBe(123456789012345678901n);
    expect(String(record?.price)).toBe('0.000012345678901234567');
    expect(record?.small).toBe(42);
    expect(record?.f).toBe(1.5);
  });
});

describe('credentials stay on their origin', () => {
  it('a next URL on another origin gets no credentials; refuse stops the walk', async () => {
    const other = await server((_req, res) => sendJson(res, 200, { results: [{ id: 3 }], next: null }));
    const api = await server((_req, res) => sendJson(res, 200, { results: [{ id: 1 }, { id: 2 }], next: `${other.url}/page2` }));
    const records = [];
    for await (const record of fetchRecords({
      url: `${api.url}/items`,
      paginator: { type: 'nextUrl' },
      auth: { type: 'bearer', token: 'top-secret' },
      headers: { 'x-api-key': 'also-secret', 'x-trace': 'keep-me' },
    })) {
      records.push(record);
    }
    expect(records).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
    expect(api.requests[0]?.headers.authorization).toBe('Bearer top-secret');
    expect(other.requests[0]?.headers.authorization).toBeUndefined();
    expect(other.requests[0]?.headers['x-api-key']).toBeUndefined();
    expect(other.requests[0]?.headers['x-trace']).toBe('keep-me');

    const refusing = fetchRecords({
      url: `${api.url}/items`,
      paginator: { type: 'nextUrl' },
      auth: { type: 'bearer', token: 'top-secret' },
      crossOrigin: 'refuse',
    });
    const error = await (async () => {
      for await (const _ of refusing) void _;
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CrossOriginError);
    expect(other.requests).toHaveLength(1);
  });

  it('a redirect to another origin drops credentials, a query API key included', async () => {
    const other = await server((_req, res) => sendJson(res, 200, [{ id: 9 }]));
    const api = await server((_req, res) => {
      res.writeHead(302, { location: `${other.url}/moved` });
      res.end();
    });
    const response = await client({ auth: { type: 'apiKey', in: 'query', name: 'key', value: 'k-123' } }).getJson(`${api.url}/items`);
    expect(response.body).toEqual([{ id: 9 }]);
    expect(api.requests[0]?.url.searchParams.get('key')).toBe('k-123');
    expect(other.requests[0]?.url.searchParams.get('key')).toBeNull();
  });

  it('OAuth2: a 401 on an expired token fetches a new one and retries', async () => {
    let issued = 0;
    const tokens = await server((_req, res) => {
      issued += 1;
      sendJson(res, 200, { access_token: `t${issued}`, token_type: 'bearer', expires_in: 3600 });
    });
    const api = await server((req, res) =>
      req.headers.authorization === 'Bearer t2' ? sendJson(res, 200, ['ok']) : sendJson(res, 401, { error: 'expired' }),
    );
    const response = await client({
      auth: { type: 'oauth2ClientCredentials', tokenUrl: `${tokens.url}/token`, clientId: 'id', clientSecret: 'shh' },
    }).getJson(api.url);
    expect(response.body).toEqual(['ok']);
    expect(issued).toBe(2);
  });
});

describe('options', () => {
  const rejected = (options: ConstructorParameters<typeof HttpClient>[0]): ConfigError => {
    try {
      clients.push(new HttpClient(options));
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return error as ConfigError;
    }
    throw new Error('expected a ConfigError');
  };

  it('rejects bad options with the path and words of the config file', () => {
    expect(rejected({ timeout: '30 secs' }).message).toMatch(/^timeout: invalid duration "30 secs"/);
    expect(rejected({ rateLimitedWhen: { path: 'status[', equals: 429 } }).path).toBe('rateLimitedWhen.path');
    expect(rejected({ crossOrigin: 'drop' as never }).message).toBe('crossOrigin: expected one of strip, refuse, got "drop"');
    expect(rejected({ maxRedirects: -1 }).path).toBe('maxRedirects');
    expect(rejected({ origin: 'api.example.com' }).path).toBe('origin');
    expect(rejected({ retry: { base: '10s', max: '1s' } }).message).toMatch(/^retry\.max: must be at least retry\.base/);
  });

  it('checks headers as the config file does: a line break in a value or a bad name is a ConfigError, before any request', () => {
    const smuggled = rejected({ headers: { 'x-team': 'a\r\nX-Admin: 1' } });
    expect(smuggled.path).toBe('headers.x-team');
    expect(smuggled.message).toBe('headers.x-team: must not contain line breaks or NUL characters');
    expect(rejected({ headers: { 'x team': 'a' } }).path).toBe('headers["x team"]');
    expect(rejected({ headers: 'x-team: a' as never }).path).toBe('headers');
  });
});
