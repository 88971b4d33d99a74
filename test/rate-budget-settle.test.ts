import { type Auth, fetchRecords } from 'siphon-sync';
import { type DemoApiServer, startDemoApi } from 'siphon-sync/demo-api';
import { afterEach, describe, expect, it } from 'vitest';

let api: DemoApiServer | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

/** An auth transform that holds each request up after its grant, as a token round trip or a busy event loop would. */
function slowAuth(delays: readonly number[]): Auth {
  let call = 0;
  return {
    kind: 'slow',
    secretNames: [],
    async apply() {
      const ms = delays[call % delays.length] ?? 0;
      call += 1;
      await new Promise((resolve) => setTimeout(resolve, ms));
    },
  };
}

describe('a declared budget counts requests from their responses', () => {
  it('a request held up between its grant and its send does not push the server over its limit', async () => {
    // 5 per 300 ms on both sides. The first request of each window leaves 120 ms
    // late, the others at once: counted from the grant, the next window's
    // requests would reach a sliding-window server while the late one is
    // still inside its window, and be refused.
    api = await startDemoApi({ seed: 3, size: { coins: 40 }, rateLimit: { requests: 5, perMs: 300, window: 'sliding', headers: 'none' } });
    const records: unknown[] = [];
    for await (const record of fetchRecords({
      url: `${api.url}/api/v3/coins/markets`,
      params: { vs_currency: 'usd', per_page: 2 },
      paginator: { type: 'pageNumber', pageParam: 'page', start: 1 },
      rateLimit: { requests: 5, per: '300ms' },
      retry: { retries: 0 },
      concurrency: 5,
      auth: slowAuth([120, 0, 0, 0, 0]),
    })) {
      records.push(record);
    }
    expect(records).toHaveLength(40);
    expect(api.stats().rejected).toBe(0);
  });
});
