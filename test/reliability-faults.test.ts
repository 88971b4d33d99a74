import { parseConfig } from 'siphon-sync';
import { type DemoApiServer, type DemoDataset, demoDataset, startDemoApi } from 'siphon-sync/demo-api';
import { openStore, type Row } from 'siphon-sync/store';
import { syncResources } from 'siphon-sync/sync';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { tableRows } from './helpers/async.js';
import { createTestDatabase, dialects, type TestDatabase } from './helpers/databases.js';
import { RELIABILITY } from './helpers/reliability.js';

// Full syncs against a demo API that misbehaves at the rates: 10 % 5xx,
// 5 % 429 with Retry-After, 2 % connection resets, 1 % truncated bodies and
// 1 % stalls past the timeout. For every paginator style and write mode, on
// both databases, the table must come out exact and the run history must
// agree with what the server counted. `npm run test:reliability` runs the
// full version (20 syncs of 10,000 records each); CI runs one short sync each.
const FAULTS = { serverError: 0.1, tooManyRequests: 0.05, reset: 0.02, truncate: 0.01, stall: 0.01, stallMs: 2_000 };
const WRITES = ['replace', 'merge', 'append'] as const;

interface Style {
  readonly name: string;
  /** The resource's config, without write mode and key. */
  readonly resource: Record<string, unknown>;
  /** The records the server holds, in the columns the table should have. */
  readonly expected: (dataset: DemoDataset) => Row[];
}

const comments = (dataset: DemoDataset): Row[] =>
  dataset.comments.map((c) => ({ id: String(c.id), post_id: String(c.postId), name: c.name, email: c.email, body: c.body }));
const drfItems = (dataset: DemoDataset): Row[] =>
  dataset.drfItems.map((item) => ({ id: String(item.id), sku: item.sku, price: item.price, quantity: String(item.quantity) }));
const drfColumns = { id: 'bigint', sku: 'text', price: 'decimal(12,2)', quantity: 'integer' };

const STYLES: readonly Style[] = [
  {
    name: 'offset',
    resource: {
      path: '/comments',
      params: { _limit: 50 },
      paginator: { type: 'offset', offsetParam: '_start', limitParam: '_limit' },
      columns: { id: 'bigint', postId: { name: 'post_id', type: 'bigint' }, name: 'text', email: 'text', body: 'text' },
      undeclared: 'ignore',
    },
    expected: comments,
  },
  {
    name: 'linkHeader',
    resource: {
      path: '/comments',
      params: { _page: 1, _limit: 50 },
      paginator: 'linkHeader',
      columns: { id: 'bigint', postId: { name: 'post_id', type: 'bigint' }, name: 'text', email: 'text', body: 'text' },
      undeclared: 'ignore',
    },
    expected: comments,
  },
  {
    name: 'pageNumber',
    resource: {
      path: '/drf/items',
      params: { page_size: 50 },
      paginator: { type: 'pageNumber', pageParam: 'page', start: 1, totalPath: 'count', pageSize: 50 },
      records: 'results',
      columns: drfColumns,
      undeclared: 'ignore',
    },
    expected: drfItems,
  },
  {
    name: 'nextUrl',
    resource: {
      path: '/drf/items',
      params: { page_size: 50 },
      paginator: { type: 'nextUrl', nextPath: 'next' },
      records: 'results',
      columns: drfColumns,
      undeclared: 'ignore',
    },
    expected: drfItems,
  },
  {
    name: 'cursor',
    resource: {
      path: '/cursor/events',
      params: { limit: 50 },
      paginator: { type: 'cursor', cursorPath: 'next_cursor', cursorParam: 'cursor', hasMorePath: 'has_more' },
      records: 'data',
      columns: { id: 'bigint', type: 'text', actor_id: 'bigint', occurred_at: 'text', amount: 'decimal(12,2)' },
      undeclared: 'ignore',
    },
    expected: (dataset) =>
      dataset.cursorEvents.map((e) => ({
        id: String(e.id),
        type: e.type,
        actor_id: String(e.actor_id),
        occurred_at: e.occurred_at,
        amount: e.amount.toFixed(2),
      })),
  },
];

/** Every value as text, so a row compares the same whichever driver read it. */
function canonical(row: Row, columns: readonly string[]): string {
  return JSON.stringify(columns.map((column) => (row[column] === null || row[column] === undefined ? null : String(row[column]))));
}

/** What every sync met, summed and printed at the end, for docs/reliability.md. */
const totals = {
  syncs: 0,
  records: 0,
  requests: 0,
  timeouts: 0,
  refetched: 0,
  serverError: 0,
  tooManyRequests: 0,
  reset: 0,
  truncate: 0,
  stall: 0,
};
afterAll(() => {
  if (totals.syncs === 0) return;
  const faults = totals.serverError + totals.tooManyRequests + totals.reset + totals.truncate + totals.stall;
  console.log(
    `faults suite: ${totals.syncs} syncs, ${totals.records} records, ${totals.requests} requests, ${faults} faults ` +
      `(5xx ${totals.serverError}, 429 ${totals.tooManyRequests}, reset ${totals.reset}, truncated ${totals.truncate}, stalled ${totals.stall}); ` +
      `${totals.timeouts} client timeouts, ${totals.refetched} pages answered twice (each after a timeout); every table exact, history equal to the server`,
  );
});

describe.each(dialects)('full syncs under faults (%s)', (dialect) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(dialect);
  });
  afterAll(async () => {
    await db.drop();
  });

  const cases = STYLES.flatMap((style) => WRITES.map((write) => [style.name, write, style] as const));

  // Concurrent: most of a case is spent waiting out Retry-After and timeouts.
  it.concurrent.for(cases)(
    '%s, %s: every table exact, no page fetched twice, history equal to the server',
    { timeout: RELIABILITY.timeoutMs },
    async ([styleName, write, style], { expect }) => {
      for (let round = 0; round < RELIABILITY.rounds; round += 1) {
        // A seed per case and round: each meets its own sequence of faults.
        const seed = 100 + round * 31 + STYLES.indexOf(style) * 3 + WRITES.indexOf(write);
        const size = { comments: RELIABILITY.records, posts: 100, drfItems: RELIABILITY.records, cursorEvents: RELIABILITY.records };
        const expected = style.expected(demoDataset({ seed, size }));
        const columns = Object.keys(expected[0] ?? {});
        const api: DemoApiServer = await startDemoApi({ seed, size, faults: FAULTS });
        const table = `${styleName}_${write}_${round}`.toLowerCase();
        const database = dialect === 'sqlite' ? `sqlite:${db.dir}/${table}.db` : db.url;
        const config = parseConfig({
          database,
          sources: {
            demo: {
              baseUrl: api.url,
              auth: { type: 'token', token: 'demo-token' },
              // A stall outlives the timeout; every fault is retried, with short steps so the suite stays quick.
              timeout: '500ms',
              retry: { retries: 10, base: '5ms', max: '2s' },
              resources: {
                [table]: { ...style.resource, table, write, ...(write === 'append' ? {} : { primaryKey: 'id' }), batchSize: 50 },
              },
            },
          },
        });
        const store = await openStore(database);
        try {
          // A request the client gave up on (its timeout) may still have been answered: the only page a sync may fetch twice.
          let timeouts = 0;
          const [outcome] = await syncResources({
            config,
            store,
            onEvent: (event) => {
              if (event.type === 'retry' && /timeout/i.test(event.reason)) timeouts += 1;
            },
          });
          expect(outcome?.error, `round ${round}`).toBeUndefined();
          const rows = await tableRows(store, table);
          // Exact: same multiset of rows, so nothing lost, duplicated (append has no key to hide a repeat) or changed.
          expect(rows.map((row) => canonical(row, columns)).sort()).toEqual(expected.map((row) => canonical(row, columns)).sort());

          const stats = api.stats();
          expect(stats.refetched, 'pages fetched twice after a success, beyond requests that timed out').toBeLessThanOrEqual(timeouts);
          const [run] = await store.runs.list({ resource: `demo.${table}`, limit: 1 });
          expect(run?.status).toBe('succeeded');
          expect(run?.records).toBe(expected.length);
          const faults =
            stats.faults.serverError + stats.faults.tooManyRequests + stats.faults.reset + stats.faults.truncate + stats.faults.stall;
          // Every request beyond one per page was a retry, and the history counted each: the faults, and timeouts the machine's load caused.
          // The history may count a few more: a retry scheduled for a page read ahead, cancelled in its
          // backoff when the walk ended, never reached the server (at most one per request in flight).
          const unsent = (run?.retries ?? 0) - (stats.requests - (run?.pages ?? 0));
          expect(unsent).toBeGreaterThanOrEqual(0);
          expect(unsent).toBeLessThanOrEqual(4);
          expect(run?.retries).toBeGreaterThanOrEqual(faults);
          if (RELIABILITY.rounds === 1) expect(faults, 'the short version still meets faults').toBeGreaterThan(0);
          totals.syncs += 1;
          totals.records += expected.length;
          totals.requests += stats.requests;
          totals.timeouts += timeouts;
          totals.refetched += stats.refetched;
          for (const kind of ['serverError', 'tooManyRequests', 'reset', 'truncate', 'stall'] as const) totals[kind] += stats.faults[kind];
        } finally {
          await store.close();
          await api.close();
        }
      }
    },
  );
});
