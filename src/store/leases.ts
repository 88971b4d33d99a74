import type { Kysely } from 'kysely';
import { type SiphonTables, STATE_TABLE } from './siphon-tables.js';
import type { StoreDialect } from './store-dialect.js';
import type { StoreLeases } from './types.js';

/**
 * Per-resource leases in `_siphon_state` (`store.leases`), so one run of a resource goes at a
 * time across processes and hosts.
 *
 * Each operation is one statement, hence atomic in both dialects without
 * explicit locks: the upsert's WHERE decides on the row as it stands when the
 * statement gets it (PostgreSQL re-checks it after waiting on a concurrent
 * taker's row lock; SQLite has one writer at a time). Expiry uses the
 * database clock, which every worker shares, whatever the hosts' clocks say.
 */
export class Leases implements StoreLeases {
  readonly #db: Kysely<SiphonTables>;
  readonly #dialect: StoreDialect;

  constructor(db: Kysely<SiphonTables>, dialect: StoreDialect) {
    this.#db = db;
    this.#dialect = dialect;
  }

  /** Takes the lease when it is free, expired, or already `owner`'s. */
  async acquire(resource: string, owner: string, ttlMs: number): Promise<boolean> {
    const row = await this.#db
      .insertInto(STATE_TABLE)
      .values({ resource, lease_owner: owner, lease_until: this.#dialect.after(ttlMs) })
      .onConflict((conflict) =>
        conflict
          .column('resource')
          .doUpdateSet((eb) => ({ lease_owner: eb.ref('excluded.lease_owner'), lease_until: eb.ref('excluded.lease_until') }))
          .where((eb) =>
            eb.or([
              eb(`${STATE_TABLE}.lease_owner`, 'is', null),
              eb(`${STATE_TABLE}.lease_owner`, '=', owner),
              eb(`${STATE_TABLE}.lease_until`, 'is', null),
              eb(`${STATE_TABLE}.lease_until`, '<=', this.#dialect.now()),
            ]),
          ),
      )
      .returning('resource')
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Extends `owner`'s lease; `false` once another owner has taken it. */
  async renew(resource: string, owner: string, ttlMs: number): Promise<boolean> {
    // An expired lease nobody took is still ours: taking it would have changed the owner.
    const row = await this.#db
      .updateTable(STATE_TABLE)
      .set({ lease_until: this.#dialect.after(ttlMs) })
      .where('resource', '=', resource)
      .where('lease_owner', '=', owner)
      .returning('resource')
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Gives the lease up, if `owner` still holds it. */
  async release(resource: string, owner: string): Promise<void> {
    await this.#db
      .updateTable(STATE_TABLE)
      .set({ lease_owner: null, lease_until: null })
      .where('resource', '=', resource)
      .where('lease_owner', '=', owner)
      .execute();
  }

  /** Who holds the lease now, if anyone (expired leases included). */
  async holder(resource: string): Promise<string | undefined> {
    const row = await this.#db.selectFrom(STATE_TABLE).select('lease_owner').where('resource', '=', resource).executeTakeFirst();
    return row?.lease_owner ?? undefined;
  }
}
