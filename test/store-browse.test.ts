import { BrowseError, type BrowseQuery, openStore, type Row, type Store, type TableDef } from 'siphon-sync/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect } from './helpers/async.js';
import { createTestDatabase, dialects, type TestDatabase } from './helpers/databases.js';

const coins: TableDef = {
  name: 'coins',
  columns: [
    { name: 'id', type: { kind: 'bigint' } },
    { name: 'name', type: { kind: 'text' } },
    { name: 'price', type: { kind: 'decimal', precision: 20, scale: 2 } },
    { name: 'supply', type: { kind: 'bigint' } },
    { name: 'seen', type: { kind: 'timestamp' } },
    { name: 'active', type: { kind: 'boolean' } },
    { name: 'meta', type: { kind: 'json' } },
  ],
  primaryKey: ['id'],
};

/** Prices whose text order differs from their numeric order, nulls among them. */
const PRICES = ['9.99', '10.50', '100.00', null, '2.05', '-3.10', '10.50', '0.00', null, '1000.01', '99.99', '3.00'];
const HUGE = 123456789012345678901n % 2n ** 63n;

function coinRow(index: number): Row {
  return {
    id: index + 1,
    name: index % 3 === 0 ? `Bitcoin ${index}` : `coin ${index}`,
    price: PRICES[index % PRICES.length],
    supply: index === 5 ? HUGE.toString() : index * 1000,
    seen: new Date(Date.UTC(2024, 0, 1 + index)).toISOString(),
    active: index % 2 === 0,
    meta: { rank: index, tags: ['a', 'b'] },
  };
}

const ROWS = Array.from({ length: 30 }, (_, index) => coinRow(index));

/** Numeric order, nulls last, ties by id: what sorting by price must give. */
function byPrice(rows: readonly Row[], direction: 'asc' | 'desc'): number[] {
  const sign = direction === 'asc' ? 1 : -1;
  return [...rows]
    .sort((a, b) => {
      const pa = a.price as string | null;
      const pb = b.price as string | null;
      if (pa === null || pb === null) {
        if (pa === pb) return sign * ((a.id as number) - (b.id as number));
        return (pa === null ? 1 : -1) * sign;
      }
      return sign * (Number(pa) - Number(pb) || (a.id as number) - (b.id as number));
    })
    .map((row) => row.id as number);
}

/** Every id of the view, following `next` cursors page by page. */
async function walkForward(store: Store, query: BrowseQuery): Promise<number[]> {
  const ids: number[] = [];
  let after: string | undefined;
  for (let guard = 0; guard < 100; guard += 1) {
    const page = await store.browse.page({ ...query, after });
    ids.push(...page.rows.map((row) => Number(row.values.id)));
    if (!page.next) return ids;
    after = page.next;
  }
  throw new Error('too many pages');
}

/** Every id of the view, from the last page back with `previous` cursors. */
async function walkBackward(store: Store, query: BrowseQuery): Promise<number[]> {
  const pages: number[][] = [];
  let page = await store.browse.page({ ...query, last: true });
  for (let guard = 0; guard < 100; guard += 1) {
    pages.unshift(page.rows.map((row) => Number(row.values.id)));
    if (!page.previous) return pages.flat();
    page = await store.browse.page({ ...query, before: page.previous });
  }
  throw new Error('too many pages');
}

describe.each(dialects)('store.browse (%s)', (dialect) => {
  let database: TestDatabase;
  let store: Store;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    store = await openStore(database.url);
    await store.init();
    await store.ensureTable(coins);
    const run = await store.runs.start({ resource: 'api.coins', trigger: 'manual' });
    await store.writeBatch({
      runId: run.id,
      table: coins,
      mode: 'merge',
      rows: ROWS,
      checkpoint: {},
      pages: 1,
      records: 30,
      retries: 0,
      waitedMs: 0,
    });
    const log: TableDef = { name: 'log', columns: [{ name: 'line', type: { kind: 'text' } }], primaryKey: [] };
    await store.ensureTable(log);
    const lines = Array.from({ length: 23 }, (_, index) => ({ line: `line ${String(index).padStart(2, '0')}` }));
    await store.writeBatch({
      runId: run.id,
      table: log,
      mode: 'append',
      rows: lines,
      checkpoint: {},
      pages: 1,
      records: 23,
      retries: 0,
      waitedMs: 0,
    });
  });

  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  it('pages in key order by default, with exact values and the key of each row', async () => {
    const page = await store.browse.page({ table: 'coins', limit: 10 });
    expect(page.primaryKey).toEqual(['id']);
    expect(page.columns.map((column) => column.name)).toEqual(coins.columns.map((column) => column.name));
    expect(page.rows.map((row) => row.values.id)).toEqual(Array.from({ length: 10 }, (_, i) => BigInt(i + 1)));
    expect(page.previous).toBeUndefined();
    expect(page.next).toBeDefined();
    const sixth = page.rows[5]!;
    expect(sixth.values).toMatchObject({ supply: HUGE, price: '-3.10', active: false, meta: { rank: 5, tags: ['a', 'b'] } });
    expect(await store.browse.row('coins', sixth.key)).toEqual(sixth.values);
    expect(await walkForward(store, { table: 'coins', limit: 7 })).toEqual(ROWS.map((row) => row.id));
  });

  it.each(['asc', 'desc'] as const)(
    'sorts decimals numerically %s, nulls last ascending, and pages both ways without gaps',
    async (direction) => {
      const query: BrowseQuery = { table: 'coins', sort: { column: 'price', direction }, limit: 4 };
      const expected = byPrice(ROWS, direction);
      expect(await walkForward(store, query)).toEqual(expected);
      expect(await walkBackward(store, query)).toEqual(expected);
      const first = await store.browse.page({ ...query, limit: 3 });
      expect(first.rows.map((row) => row.values.price)).toEqual(direction === 'asc' ? ['-3.10', '-3.10', '-3.10'] : [null, null, null]);
    },
  );

  it('sorts by a key column descending and by text', async () => {
    expect(await walkForward(store, { table: 'coins', sort: { column: 'id', direction: 'desc' }, limit: 8 })).toEqual(
      ROWS.map((row) => row.id).reverse(),
    );
    const names = await walkForward(store, { table: 'coins', sort: { column: 'name', direction: 'asc' }, limit: 6 });
    expect(names.map((id) => ROWS[id - 1]!.name)).toEqual(ROWS.map((row) => row.name as string).sort());
  });

  it('searches every column case-insensitively and filters by column, numerically for decimals', async () => {
    const found = await walkForward(store, { table: 'coins', search: 'BITCOIN', limit: 100 });
    expect(found).toEqual(ROWS.filter((row) => (row.name as string).startsWith('Bitcoin')).map((row) => row.id));
    // '100.00' > '10' as numbers, not as text; '9.99' is not.
    const expensive = await walkForward(store, { table: 'coins', filters: [{ column: 'price', op: 'gt', value: '10' }], limit: 100 });
    expect(expensive).toEqual(ROWS.filter((row) => row.price !== null && Number(row.price) > 10).map((row) => row.id));
    const unpriced = await walkForward(store, { table: 'coins', filters: [{ column: 'price', op: 'null' }] });
    expect(unpriced).toEqual(ROWS.filter((row) => row.price === null).map((row) => row.id));
    const both = {
      table: 'coins',
      filters: [
        { column: 'active', op: 'eq' as const, value: 'true' },
        { column: 'name', op: 'contains' as const, value: 'coin 1' },
      ],
    };
    expect(await walkForward(store, both)).toEqual(
      ROWS.filter((row) => row.active && (row.name as string).includes('coin 1')).map((row) => row.id),
    );
    expect(await store.browse.count(both)).toBe(ROWS.filter((row) => row.active && (row.name as string).includes('coin 1')).length);
    const since = await walkForward(store, { table: 'coins', filters: [{ column: 'seen', op: 'ge', value: '2024-01-29' }] });
    expect(since).toEqual([29, 30]);
  });

  it('streams every row of a view in its order, for exports', async () => {
    const view = {
      table: 'coins',
      sort: { column: 'price', direction: 'desc' as const },
      filters: [{ column: 'price', op: 'notnull' as const }],
    };
    const result = await store.browse.rows(view);
    expect(result.columns).toContain('price');
    const rows = await collect(result.rows);
    expect(rows.map((row) => Number(row.id))).toEqual(
      byPrice(
        ROWS.filter((row) => row.price !== null),
        'desc',
      ),
    );
    expect(rows.find((row) => row.id === 6n)?.supply).toBe(HUGE);
  });

  it('pages a table without a primary key by position', async () => {
    const forward: string[] = [];
    let after: string | undefined;
    do {
      const page = await store.browse.page({ table: 'log', limit: 5, after });
      expect(page.primaryKey).toEqual([]);
      forward.push(...page.rows.map((row) => row.values.line as string));
      after = page.next;
    } while (after);
    expect(forward).toEqual(Array.from({ length: 23 }, (_, index) => `line ${String(index).padStart(2, '0')}`));
    const last = await store.browse.page({ table: 'log', limit: 5, last: true });
    expect(last.rows.map((row) => row.values.line)).toEqual(['line 18', 'line 19', 'line 20', 'line 21', 'line 22']);
    expect(await store.browse.row('log', last.rows[0]!.key)).toEqual({ line: 'line 18' });
  });

  it('refuses unknown columns, values that do not fit, and cursors of another order', async () => {
    await expect(store.browse.page({ table: 'coins', sort: { column: 'nope', direction: 'asc' } })).rejects.toThrow(BrowseError);
    await expect(store.browse.page({ table: 'coins', filters: [{ column: 'price', op: 'lt', value: 'cheap' }] })).rejects.toThrow(
      /price holds numbers; "cheap" is not one/,
    );
    await expect(store.browse.page({ table: 'missing' })).rejects.toThrow(/table missing: does not exist/);
    const page = await store.browse.page({ table: 'coins', sort: { column: 'price', direction: 'asc' }, limit: 2 });
    await expect(store.browse.page({ table: 'coins', after: page.next })).rejects.toThrow(/another sort order/);
    await expect(store.browse.page({ table: 'coins', after: 'garbage' })).rejects.toThrow(BrowseError);
    await expect(store.browse.row('coins', 'garbage')).rejects.toThrow(BrowseError);
  });
});
