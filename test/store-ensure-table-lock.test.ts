import pg from 'pg';
import { SchemaError } from 'siphon-sync';
import { openStore, type Store, type TableDef } from 'siphon-sync/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, POSTGRES_URL, type TestDatabase } from './helpers/databases.js';

// PostgreSQL serializes schema changes with one advisory lock for the whole
// database. A run whose table is already as declared must not wait for it:
// with thousands of resources every run of every worker would queue there.
// The lock is Siphon's own key; this test holds it from a second session.
const SCHEMA_LOCK = '91574344634190'; // 0x534950484f4e, "SIPHON"

const table: TableDef = {
  name: 'locked_out',
  columns: [
    { name: 'id', type: { kind: 'bigint' } },
    { name: 'name', type: { kind: 'text' } },
  ],
  primaryKey: ['id'],
};

describe('ensureTable and the schema lock (postgres)', () => {
  let db: TestDatabase;
  let store: Store;
  let holder: pg.Client;
  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    store = await openStore(db.url);
    await store.init();
    await store.ensureTable(table);
    holder = new pg.Client({ connectionString: POSTGRES_URL });
    await holder.connect();
  });
  afterAll(async () => {
    await holder.end();
    await store.close();
    await db.drop();
  });

  it('finds a table as declared without waiting for the lock, refuses a mismatch without it, and takes it to add a column', async () => {
    await holder.query('SELECT pg_advisory_lock($1)', [SCHEMA_LOCK]);
    let locked = true;
    try {
      // Would wait until the unlock below, and the test time out, if it took the lock.
      await store.ensureTable(table);
      const rekeyed = { ...table, primaryKey: ['name'] };
      await expect(store.ensureTable(rekeyed)).rejects.toBeInstanceOf(SchemaError);

      const wider: TableDef = { ...table, columns: [...table.columns, { name: 'note', type: { kind: 'text' } }] };
      let settled = false;
      const adding = store.ensureTable(wider).finally(() => {
        settled = true;
      });
      await holder.query('SELECT pg_sleep(0.2)');
      expect(settled).toBe(false);
      await holder.query('SELECT pg_advisory_unlock($1)', [SCHEMA_LOCK]);
      locked = false;
      await adding;
      expect((await store.tableColumns('locked_out')).map((column) => column.name)).toEqual(['id', 'name', 'note']);
    } finally {
      if (locked) await holder.query('SELECT pg_advisory_unlock($1)', [SCHEMA_LOCK]);
    }
  });
});
