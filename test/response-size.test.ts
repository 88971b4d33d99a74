import { gzipSync } from 'node:zlib';
import { HttpClient, parseConfig, ResponseTooLargeError } from 'siphon-sync';
import { openStore } from 'siphon-sync/store';
import { syncResources } from 'siphon-sync/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from './helpers/databases.js';
import { sendJson, startServer, type TestServer } from './helpers/test-server.js';

const MB = 1024 * 1024;

describe('the response size cap (maxResponseSize)', () => {
  // 70 MB of JSON that compresses to well under a megabyte.
  const bomb = gzipSync(Buffer.from(`[${'0,'.repeat(35 * MB)}0]`));
  let api: TestServer;
  beforeAll(async () => {
    api = await startServer((_req, res, seen) => {
      if (seen.url.pathname === '/bomb') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': bomb.length });
        res.end(bomb);
        return;
      }
      sendJson(res, 200, { items: Array.from({ length: 1000 }, (_, id) => ({ id, name: `item ${id}` })) });
    });
  });
  afterAll(async () => {
    await api.close();
  });

  it('stops a gzip bomb at the 64 MB default, once, naming the URL and the limit', async () => {
    expect(bomb.length).toBeLessThan(MB);
    const client = new HttpClient();
    const before = process.memoryUsage().rss;
    const error = await client.getJson(`${api.url}/bomb`).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    await client.close();
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect((error as ResponseTooLargeError).retryable).toBe(false);
    expect((error as Error).message).toContain(`${api.url}/bomb`);
    expect((error as Error).message).toContain('maxResponseSize (64 MB)');
    // Not retried: the same request would send the same body.
    expect(api.requests.filter((request) => request.url.pathname === '/bomb')).toHaveLength(1);
    expect(process.memoryUsage().rss - before).toBeLessThan(400 * MB);
  });

  it('counts decoded bytes against a smaller limit, and bodies within it pass', async () => {
    const small = new HttpClient({ maxResponseSize: 10_000 });
    const roomy = new HttpClient({ maxResponseSize: MB });
    try {
      await expect(small.getJson(`${api.url}/items`)).rejects.toThrow(/maxResponseSize \(10000 bytes\)/);
      const response = await roomy.getJson(`${api.url}/items`);
      expect((response.body as { items: unknown[] }).items).toHaveLength(1000);
    } finally {
      await small.close();
      await roomy.close();
    }
  });
});

describe('maxResponseSize in the config', () => {
  it('a source option that caps its resources, checked like every option', async () => {
    const api = await startServer((_req, res) => sendJson(res, 200, [{ id: 1, text: 'x'.repeat(5000) }]));
    const db = await createTestDatabase('sqlite');
    const store = await openStore(db.url);
    try {
      await store.init();
      const source = (maxResponseSize: unknown) => ({
        database: db.url,
        sources: { api: { baseUrl: api.url, maxResponseSize, resources: { items: { path: '/items', primaryKey: 'id' } } } },
      });
      expect(() => parseConfig(source(-1))).toThrow(/sources\.api\.maxResponseSize/);
      const [outcome] = await syncResources({ config: parseConfig(source(1000)), store });
      expect(outcome?.error?.name).toBe('ResponseTooLargeError');
      expect(outcome?.run.error).toContain('maxResponseSize (1000 bytes)');
      const [roomy] = await syncResources({ config: parseConfig(source(MB)), store });
      expect(roomy?.error).toBeUndefined();
    } finally {
      await store.close();
      await db.drop();
      await api.close();
    }
  });
});
