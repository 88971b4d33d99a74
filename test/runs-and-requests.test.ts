import { ParentValueError, parseConfig } from 'siphon-sync';
import { openStore, type Store } from 'siphon-sync/store';
import { syncResources } from 'siphon-sync/sync';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tableRows } from './helpers/async.js';
import { createTestDatabase, dialects, type TestDatabase } from './helpers/databases.js';
import { sendJson, startServer, type TestServer } from './helpers/test-server.js';

// What a run records of itself, what a later run takes over from it, and
// what goes on the wire: the promises of docs/reliability.md, "Runs,
// resuming and requests", on both databases.

describe.each(dialects)('runs, resuming and requests (%s)', (dialect) => {
  let db: TestDatabase;
  let store: Store;
  const servers: TestServer[] = [];
  let serial = 0;
  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    store = await openStore(db.url);
    await store.init();
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  async function server(handler: Parameters<typeof startServer>[0]): Promise<TestServer> {
    const started = await startServer(handler);
    servers.push(started);
    return started;
  }

  /** A source of its own, each resource with a table of its own (`<resource>_<n>`), so tests never share rows. */
  function configOf(baseUrl: string, resources: Record<string, Record<string, unknown>>, source: Record<string, unknown> = {}) {
    serial += 1;
    const own = Object.fromEntries(
      Object.entries(resources).map(([name, resource]) => [name, { table: `${name}_${serial}`, ...resource }]),
    );
    return parseConfig({ database: db.url, sources: { [`s${serial}`]: { baseUrl, ...source, resources: own } } });
  }

  it('a resource with neither primaryKey nor columns is inferred and appended', async () => {
    const api = await server((_req, res) =>
      sendJson(res, 200, [
        { userId: 1, title: 'a' },
        { userId: 2, title: 'b' },
      ]),
    );
    const config = configOf(api.url, { posts: { path: '/posts' } });
    const [first] = await syncResources({ config, store });
    expect(first?.error).toBeUndefined();
    const [second] = await syncResources({ config, store });
    expect(second?.error).toBeUndefined();
    const rows = await tableRows(store, config.resources[0]?.table.name as string);
    expect(rows.map((row) => [row.user_id, row.title])).toEqual([
      [1n, 'a'],
      [2n, 'b'],
      [1n, 'a'],
      [2n, 'b'],
    ]);
  });

  describe('parent values in a child path', () => {
    /** `/parents` lists `ids`; `/parents/{id}/kids` answers one kid per parent. Raw request targets are kept, before any normalization. */
    async function parentsApi(ids: readonly string[]) {
      const targets: string[] = [];
      const api = await server((req, res) => {
        const target = req.url ?? '';
        targets.push(target);
        if (target === '/parents')
          return sendJson(
            res,
            200,
            ids.map((id) => ({ id })),
          );
        const match = /^\/parents\/([^/?#]*)\/kids$/.exec(target);
        if (!match) return sendJson(res, 404, { error: 'no such path' });
        sendJson(res, 200, [{ kid: decodeURIComponent(match[1] as string) }]);
      });
      const config = configOf(api.url, {
        parents: { path: '/parents', primaryKey: 'id', columns: { id: 'text' } },
        kids: { path: '/parents/{parents.id}/kids', primaryKey: 'kid', columns: { kid: 'text' } },
      });
      return { api, targets, config };
    }

    it('are percent-encoded as one path segment each', async () => {
      const ids = ['a/b', 'x?y=1', 'p#q', '50%', 'two words', '%2e%2e', '...'];
      const { targets, config } = await parentsApi(ids);
      const outcomes = await syncResources({ config, store });
      expect(outcomes.map((outcome) => outcome.error)).toEqual([undefined, undefined]);
      const kids = targets.filter((target) => target !== '/parents');
      expect(kids.sort()).toEqual(ids.map((id) => `/parents/${encodeURIComponent(id)}/kids`).sort());
      const rows = await tableRows(store, config.resources[1]?.table.name as string);
      expect(rows.map((row) => row.kid).sort()).toEqual([...ids].sort());
    });

    it.each(['..', '.'])(
      'fail the run on %j, which no encoding keeps inside its segment, and request nothing outside the path',
      async (bad) => {
        const { targets, config } = await parentsApi(['a', bad, 'b']);
        const [parents, kids] = await syncResources({ config, store });
        expect(parents?.error).toBeUndefined();
        expect(kids?.error).toBeInstanceOf(ParentValueError);
        expect(kids?.error?.message).toContain(JSON.stringify(bad));
        expect(kids?.error?.message).toContain('{parents.id}');
        expect(kids?.run.status).toBe('failed');
        expect(targets.every((target) => target === '/parents' || /^\/parents\/[ab]\/kids$/.test(target))).toBe(true);
      },
    );
  });
});
