import { ConfigValidationError, fetchRecords, GraphqlError, parseConfig, type WalkEvent } from 'siphon-sync';
import { type DemoApiServer, demoDataset, startDemoApi } from 'siphon-sync/demo-api';
import { openStore, type Store } from 'siphon-sync/store';
import { type SyncEvent, syncResources } from 'siphon-sync/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, tableRows } from './helpers/async.js';
import { createTestDatabase, dialects, type TestDatabase } from './helpers/databases.js';
import { readBody, sendJson, serversPerTest } from './helpers/test-server.js';

// GraphQL resources: a POSTed { query, variables }, relay pages (pageInfo's
// endCursor sent back as $after), records under edges[*].node, and errors in
// a 200 response failing the page.

const SEED = 12;
const size = { cursorEvents: 130 };
const events = demoDataset({ seed: SEED, size }).cursorEvents;
const QUERY = `query Events($first: Int!, $after: String) {
  events(first: $first, after: $after) {
    edges { cursor node { id type amount occurred_at } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const FIRST = 25;
const PAGES = Math.ceil(events.length / FIRST);

let demo: DemoApiServer;
beforeAll(async () => {
  demo = await startDemoApi({ seed: SEED, size });
});
afterAll(async () => {
  await demo.close();
});
const server = serversPerTest();

function resource(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    path: '/graphql',
    graphql: { query: QUERY, variables: { first: FIRST } },
    paginator: { type: 'relay', pageInfoPath: 'data.events.pageInfo' },
    records: 'data.events.edges[*].node',
    primaryKey: 'id',
    columns: { amount: 'decimal(12,2)' },
    batchSize: FIRST,
    ...extra,
  };
}

describe('GraphQL over HTTP', () => {
  it('pages the demo connection with $after until hasNextPage is false: every node once, in order', async () => {
    expect(PAGES).toBeGreaterThanOrEqual(3);
    const records = await collect(
      fetchRecords<{ id: number }>({
        url: `${demo.url}/graphql`,
        graphql: { query: QUERY, variables: { first: FIRST } },
        paginator: { type: 'relay', pageInfoPath: 'data.events.pageInfo' },
        records: 'data.events.edges[*].node',
      }),
    );
    expect(records.map((event) => event.id)).toEqual(events.map((event) => event.id));
  });

  it('sends { query, variables } as a JSON POST, the cursor in variables.after, other variables kept', async () => {
    const bodies: unknown[] = [];
    const api = await server(async (req, res) => {
      const body = JSON.parse(await readBody(req)) as { variables: { after?: string } };
      bodies.push({ method: req.method, type: req.headers['content-type'], body });
      const after = body.variables.after;
      const next = after === undefined ? 'c1' : after === 'c1' ? 'c2' : null;
      const id = after === undefined ? 1 : after === 'c1' ? 2 : 3;
      sendJson(res, 200, { data: { list: { edges: [{ node: { id } }], pageInfo: { hasNextPage: next !== null, endCursor: next } } } });
    });
    const records = await collect(
      fetchRecords({
        url: api.url,
        graphql: { query: '{ list { edges { node { id } } } }', variables: { first: 1, filter: { q: 'x' } } },
        paginator: { type: 'relay', pageInfoPath: 'data.list.pageInfo' },
        records: 'data.list.edges[*].node',
      }),
    );
    expect(records).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
    const sent = (after?: string) => ({
      method: 'POST',
      type: 'application/json',
      body: { query: '{ list { edges { node { id } } } }', variables: { first: 1, filter: { q: 'x' }, ...(after ? { after } : {}) } },
    });
    expect(bodies).toEqual([sent(), sent('c1'), sent('c2')]);
  });

  it('fails the page on errors in a 200 response, with their message, even beside partial data', async () => {
    const api = await server(async (req, res) => {
      const body = JSON.parse(await readBody(req)) as { variables: { after?: string } };
      if (body.variables.after === undefined) {
        sendJson(res, 200, { data: { list: { edges: [{ node: { id: 1 } }], pageInfo: { hasNextPage: true, endCursor: 'c1' } } } });
      } else {
        sendJson(res, 200, {
          data: { list: { edges: [{ node: { id: 2 } }], pageInfo: { hasNextPage: false, endCursor: null } } },
          errors: [
            { message: 'Field "secretNotes" is not accessible', path: ['list', 'edges', 0, 'node'], extensions: { code: 'FORBIDDEN' } },
          ],
        });
      }
    });
    const walk = collect(
      fetchRecords({
        url: api.url,
        graphql: { query: '{ list { edges { node { id } } } }' },
        paginator: { type: 'relay', pageInfoPath: 'data.list.pageInfo' },
        records: 'data.list.edges[*].node',
      }),
    );
    const error = await walk.then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(GraphqlError);
    expect((error as GraphqlError).message).toContain('Field "secretNotes" is not accessible (FORBIDDEN, at list.edges.0.node)');
    expect((error as GraphqlError).retryable).toBe(false);
  });

  it('masks a credential the API echoes in an error message', async () => {
    const api = await server(async (req, res) => {
      await readBody(req);
      sendJson(res, 200, { errors: [{ message: `token ${String(req.headers.authorization)} lacks scope read:events` }] });
    });
    const error = await collect(
      fetchRecords({
        url: api.url,
        graphql: { query: '{ list { edges { node { id } } } }' },
        paginator: { type: 'relay', pageInfoPath: 'data.list.pageInfo' },
        auth: { type: 'bearer', token: 'gql-very-secret-token' },
      }),
    ).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(GraphqlError);
    expect(api.requests[0]?.headers.authorization).toBe('Bearer gql-very-secret-token');
    expect((error as GraphqlError).message).toContain('lacks scope read:events');
    expect((error as GraphqlError).message).not.toContain('gql-very-secret-token');
    expect(JSON.stringify((error as GraphqlError).errors)).not.toContain('gql-very-secret-token');
  });

  it('retries a rate-limited GraphQL error when a responseActions rule on its code says so', async () => {
    const api = await server(async (req, res, _seen, index) => {
      await readBody(req);
      if (index === 0) sendJson(res, 200, { errors: [{ message: 'API rate limit exceeded', type: 'RATE_LIMITED' }] });
      else sendJson(res, 200, { data: { list: { edges: [{ node: { id: 1 } }], pageInfo: { hasNextPage: false, endCursor: null } } } });
    });
    const events: WalkEvent[] = [];
    const records = await collect(
      fetchRecords({
        url: api.url,
        graphql: { query: '{ list { edges { node { id } } } }' },
        paginator: { type: 'relay', pageInfoPath: 'data.list.pageInfo' },
        records: 'data.list.edges[*].node',
        responseActions: [{ path: 'errors[0].type', equals: 'RATE_LIMITED', action: 'retry' }],
        retry: { base: '10ms' },
        onEvent: (event) => events.push(event),
      }),
    );
    expect(records).toEqual([{ id: 1 }]);
    expect(events.filter((event) => event.type === 'retry')).toHaveLength(1);
  });
});

describe('config: graphql and the relay paginator', () => {
  const parse = (extra: Record<string, unknown>) => () =>
    parseConfig({
      database: 'sqlite::memory:',
      sources: { api: { baseUrl: 'http://127.0.0.1:1', resources: { q: resource(extra) } } },
    });

  it('points at the key to fix', () => {
    expect(parse({})).not.toThrow();
    expect(parse({ graphql: { query: QUERY }, json: { q: 1 }, method: 'POST' })).toThrow(
      /sources\.api\.resources\.q\.graphql: graphql is the request body; set either graphql or json\/form, not both/,
    );
    expect(parse({ graphql: undefined })).toThrow(/sources\.api\.resources\.q\.paginator: the relay paginator pages a GraphQL connection/);
    expect(parse({ graphql: { query: '' } })).toThrow(/sources\.api\.resources\.q\.graphql\.query: must not be empty/);
    expect(parse({ graphql: { query: QUERY, vars: {} } })).toThrow(ConfigValidationError);
    expect(parse({ paginator: { type: 'relay' } })).toThrow(/sources\.api\.resources\.q\.paginator\.pageInfoPath/);
    expect(parse({ records: 'data.events.edges[*].node[*]' })).toThrow(/sources\.api\.resources\.q\.records: .*only one \[\*\]/);
  });
});

describe.each(dialects)('a GraphQL connection synced (%s)', (dialect) => {
  let db: TestDatabase;
  let store: Store;
  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    store = await openStore(db.url);
    await store.init();
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  const configFor = (name: string, extra: Record<string, unknown> = {}) =>
    parseConfig({
      database: db.url,
      sources: { demo: { baseUrl: demo.url, resources: { [name]: resource({ table: name, ...extra }) } } },
    });

  it('stores every node exactly, one relay page after the other', async () => {
    const [outcome] = await syncResources({ config: configFor('gql_events'), store });
    expect(outcome?.error).toBeUndefined();
    expect(outcome?.run.status).toBe('succeeded');
    expect(outcome?.run.pages).toBe(PAGES);
    const rows = await tableRows(store, 'gql_events');
    expect(rows.map((row) => Number(row.id))).toEqual(events.map((event) => event.id));
    expect(rows.map((row) => String(row.amount))).toEqual(events.map((event) => event.amount.toFixed(2)));
    expect(rows.map((row) => row.type)).toEqual(events.map((event) => event.type));
  });

  it('fails the run with the GraphQL error message; the run does not say succeeded', async () => {
    const config = configFor('gql_bad', { graphql: { query: QUERY, variables: { first: 500 } } });
    const [outcome] = await syncResources({ config, store });
    expect(outcome?.error).toBeInstanceOf(GraphqlError);
    expect(outcome?.error?.message).toContain('first must be an integer from 1 to 100, got 500 (BAD_USER_INPUT)');
    expect(outcome?.run.status).toBe('failed');
    expect(outcome?.run.error).toContain('first must be an integer from 1 to 100');
  });

  it('keeps the checkpoint of a run failed by a throttled GraphQL error, and clears it for any other error', async () => {
    let code = 'THROTTLED';
    const api = await server(async (req, res) => {
      const body = JSON.parse(await readBody(req)) as { variables: { after?: string } };
      if (body.variables.after === undefined) {
        sendJson(res, 200, { data: { list: { edges: [{ node: { id: 1 } }], pageInfo: { hasNextPage: true, endCursor: 'c1' } } } });
      } else {
        sendJson(res, 200, { data: null, errors: [{ message: 'slow down', extensions: { code } }] });
      }
    });
    const config = parseConfig({
      database: db.url,
      sources: {
        api: {
          baseUrl: api.url,
          resources: {
            gql_throttled: {
              path: '/',
              graphql: { query: '{ list { edges { node { id } } } }' },
              paginator: { type: 'relay', pageInfoPath: 'data.list.pageInfo' },
              records: 'data.list.edges[*].node',
              primaryKey: 'id',
              batchSize: 1,
            },
          },
        },
      },
    });
    const [throttled] = await syncResources({ config, store });
    expect(throttled?.error).toBeInstanceOf(GraphqlError);
    expect((throttled?.error as GraphqlError | undefined)?.retryable).toBe(true);
    expect(throttled?.run.status).toBe('failed');
    expect(throttled?.run.checkpoint).not.toBeNull();

    code = 'FORBIDDEN';
    const [forbidden] = await syncResources({ config, store });
    expect((forbidden?.error as GraphqlError | undefined)?.retryable).toBe(false);
    expect(forbidden?.run.status).toBe('failed');
    expect(forbidden?.run.checkpoint).toBeNull();
  });

  it('fills {parent.field} in graphql.variables: a child walked once per parent row', async () => {
    const owners: unknown[] = [];
    const api = await server(async (req, res) => {
      const text = await readBody(req);
      if (req.method === 'GET') {
        sendJson(res, 200, [{ id: 7 }, { id: 8 }]);
        return;
      }
      const { variables } = JSON.parse(text) as { variables: { owner: number } };
      owners.push(variables.owner);
      const node = { id: variables.owner * 10 };
      sendJson(res, 200, { data: { repo: { edges: [{ node }], pageInfo: { hasNextPage: false, endCursor: null } } } });
    });
    const config = parseConfig({
      database: db.url,
      sources: {
        api: {
          baseUrl: api.url,
          resources: {
            gql_owners: { path: '/users', paginator: 'single', primaryKey: 'id' },
            gql_repos: {
              path: '/graphql',
              graphql: {
                query: 'query($owner: Int!) { repo(owner: $owner) { edges { node { id } } } }',
                variables: { owner: '{gql_owners.id}' },
              },
              paginator: { type: 'relay', pageInfoPath: 'data.repo.pageInfo' },
              records: 'data.repo.edges[*].node',
              primaryKey: 'id',
            },
          },
        },
      },
    });
    const outcomes = await syncResources({ config, store });
    expect(outcomes.map((outcome) => outcome.run.status)).toEqual(['succeeded', 'succeeded']);
    expect(owners.sort()).toEqual([7, 8]);
    const rows = await tableRows(store, 'gql_repos');
    expect(rows.map((row) => [Number(row.id), Number(row.gql_owners_id)]).sort()).toEqual([
      [70, 7],
      [80, 8],
    ]);
  });

  it('resumes an interrupted run from the cursor of its last committed page', async () => {
    const config = configFor('gql_resume');
    const stop = new AbortController();
    const first = await syncResources({
      config,
      store,
      signal: stop.signal,
      onEvent: (event: SyncEvent) => {
        if (event.type === 'progress' && event.committed >= 2 * FIRST) stop.abort(new Error('stopped by the test'));
      },
    });
    expect(first[0]?.run.status).toBe('interrupted');
    const committedPages = first[0]?.run.pages ?? 0;
    expect(committedPages).toBeGreaterThanOrEqual(2);
    expect(committedPages).toBeLessThan(PAGES);

    const pages: number[] = [];
    let resumed: boolean | undefined;
    const [again] = await syncResources({
      config,
      store,
      onEvent: (event: SyncEvent) => {
        if (event.type === 'run-start') resumed = event.resumed;
        if (event.type === 'page') pages.push(event.records);
      },
    });
    expect(again?.error).toBeUndefined();
    expect(again?.run.status).toBe('succeeded');
    expect(again?.run.id).toBe(first[0]?.run.id);
    expect(resumed).toBe(true);
    // Only the pages after the checkpoint were asked for again.
    expect(pages).toHaveLength(PAGES - committedPages);
    const rows = await tableRows(store, 'gql_resume');
    expect(rows.map((row) => Number(row.id))).toEqual(events.map((event) => event.id));
  });
});
