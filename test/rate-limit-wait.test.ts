import { type ClientEvent, HttpClient, paginate, RateLimitWaitError } from 'siphon-sync';
import { afterAll, describe, expect, it } from 'vitest';
import { sendJson, startServer, type TestServer } from './helpers/test-server.js';

/** Pages of one record each; the first page says the window is used up, with `headers`. */
async function exhaustingApi(headers: Record<string, string>): Promise<TestServer> {
  return startServer((_req, res, seen) => {
    const page = Number(seen.url.searchParams.get('page') ?? 1);
    sendJson(res, 200, { items: [{ id: page }], next: page < 3 ? `/things?page=${page + 1}` : null }, page === 1 ? headers : {});
  });
}

describe('a 200 announcing a used-up window with a far-off reset', () => {
  const servers: TestServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
  });

  const shapes: [string, Record<string, string>][] = [
    ['an epoch reset', { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '99999999999' }],
    ['a delta reset', { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1000000000' }],
    ['the IETF field', { ratelimit: 'limit=10, remaining=0, reset=1000000000' }],
  ];
  for (const [shape, headers] of shapes) {
    it(`${shape}: fails at once naming the URL and the wait, instead of waiting`, async () => {
      const api = await exhaustingApi(headers);
      servers.push(api);
      const records: unknown[] = [];
      const started = Date.now();
      const walk = async () => {
        for await (const page of paginate({ url: `${api.url}/things`, paginator: { type: 'nextUrl' }, records: 'items' })) {
          records.push(...page.records);
        }
      };
      const error = await Promise.race([
        walk().then(
          () => undefined,
          (failure: unknown) => failure,
        ),
        new Promise((resolve) => setTimeout(() => resolve('still waiting'), 5000)),
      ]);
      expect(error).toBeInstanceOf(RateLimitWaitError);
      expect((error as RateLimitWaitError).retryable).toBe(false);
      expect((error as Error).message).toContain(`${api.url}/things?page=2`);
      expect((error as Error).message).toMatch(/used up for \d{6,} s .*more than retry\.max 600 s/);
      expect(records).toEqual([{ id: 1 }]);
      expect(Date.now() - started).toBeLessThan(5000);
    });
  }

  it('a wait within retry.max is announced before it starts when longer than 5 s', async () => {
    const api = await exhaustingApi({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset-after': '7' });
    servers.push(api);
    const events: ClientEvent[] = [];
    const controller = new AbortController();
    const client = new HttpClient({ onEvent: (event) => events.push(event) });
    await client.getJson(`${api.url}/things`);
    const second = client.getJson(`${api.url}/things?page=2`, { signal: controller.signal }).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Announced while it waits, not after.
    expect(api.requests).toHaveLength(1);
    expect(events).toEqual([expect.objectContaining({ type: 'wait', url: `${api.url}/things?page=2` })]);
    const wait = events[0] as Extract<ClientEvent, { type: 'wait' }>;
    expect(wait.waitMs).toBeGreaterThan(5000);
    expect(wait.reason).toContain('rate limit used up');
    controller.abort(new Error('enough'));
    await second;
    await client.close();
  });
});
