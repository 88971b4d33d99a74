import { parseConfig } from 'siphon-sync';
import { type DemoApiServer, startDemoApi } from 'siphon-sync/demo-api';
import { openStore, type Store } from 'siphon-sync/store';
import { syncResources } from 'siphon-sync/sync';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tableRows } from './helpers/async.js';
import { createTestDatabase, type TestDatabase } from './helpers/databases.js';

// A child resource walks many parents at once on its run's one signal. Each
// walk used to add an abort listener to it, and past 10 at once Node printed
// a MaxListenersExceededWarning on every such run; aborting must still stop
// every walk.

let api: DemoApiServer;
let db: TestDatabase;
let store: Store;
beforeAll(async () => {
  api = await startDemoApi({ seed: 4, size: { users: 5, posts: 40, comments: 80 }, latencyMs: 20 });
  db = await createTestDatabase('sqlite');
  store = await openStore(db.url);
  await store.init();
});
afterAll(async () => {
  await store.close();
  await db.drop();
  await api.close();
});

const config = () =>
  parseConfig(
    {
      database: db.url,
      sources: {
        demo: {
          baseUrl: api.url,
          resources: {
            posts: {
              path: '/posts',
              paginator: { type: 'offset', offsetParam: '_start', limitParam: '_limit', limit: 100 },
              primaryKey: 'id',
            },
            comments: { path: '/posts/{posts.id}/comments', paginator: { type: 'single' }, primaryKey: 'id', concurrency: 16 },
          },
        },
      },
    },
    { cwd: db.dir },
  );

it('walks 16 parents at once on one signal without a listener-leak warning, and an abort still stops them', async () => {
  const warnings: Error[] = [];
  const onWarning = (warning: Error): void => {
    warnings.push(warning);
  };
  process.on('warning', onWarning);
  try {
    const controller = new AbortController();
    const [posts, comments] = await syncResources({ config: config(), store, signal: controller.signal });
    expect(posts?.error).toBeUndefined();
    expect(comments?.error).toBeUndefined();
    expect((await tableRows(store, 'comments')).length).toBe(80);

    const aborting = new AbortController();
    const outcome = syncResources({
      config: config(),
      store,
      only: ['demo.comments'],
      signal: aborting.signal,
      onEvent: (event) => {
        if (event.type === 'page') aborting.abort(new Error('stop'));
      },
    });
    const [stopped] = await outcome;
    expect(stopped?.run.status).toBe('interrupted');
    // Node emits warnings on the next tick.
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning')).toEqual([]);
  } finally {
    process.off('warning', onWarning);
  }
});
