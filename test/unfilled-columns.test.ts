import { parseConfig } from 'siphon-sync';
import { openStore, type Store } from 'siphon-sync/store';
import { type SyncEvent, syncResources } from 'siphon-sync/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableRows } from './helpers/async.js';
import { createTestDatabase, type TestDatabase } from './helpers/databases.js';
import { sendJson, startServer, type TestServer } from './helpers/test-server.js';

// A declared column whose field the API never sends stays NULL in every row:
// with `undeclared: ignore` nothing else would say so (with `infer`, the
// field's own column collides with it and the run fails, naming both).
describe('a declared column no record fills', () => {
  let db: TestDatabase;
  let store: Store;
  let api: TestServer;
  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    store = await openStore(db.url);
    await store.init();
    api = await startServer((_req, res) =>
      sendJson(res, 200, [
        { id: 1, postId: 10, deleted_at: null },
        { id: 2, postId: 11, deleted_at: null },
      ]),
    );
  });
  afterAll(async () => {
    await store.close();
    await api.close();
    await db.drop();
  });

  it('is a warning naming the column and the field the records have, and a field sent as null is not', async () => {
    const config = parseConfig({
      database: db.url,
      sources: {
        api: {
          baseUrl: api.url,
          resources: {
            comments: {
              path: '/comments',
              paginator: 'single',
              primaryKey: 'id',
              undeclared: 'ignore',
              columns: { id: 'bigint', post_id: 'bigint', deleted_at: 'timestamp' },
            },
          },
        },
      },
    });
    const events: SyncEvent[] = [];
    const [outcome] = await syncResources({ config, store, onEvent: (event) => events.push(event) });
    expect(outcome?.error).toBeUndefined();
    const warnings = events.flatMap((event) => (event.type === 'warning' ? [event.message] : []));
    expect(warnings).toEqual([
      'column post_id: no record had the field "post_id", so it is NULL in every row (the records have "postId": declare it as postId: { name: post_id, type: … })',
    ]);
    expect((await tableRows(store, 'comments')).map((row) => row.post_id)).toEqual([null, null]);
  });
});
