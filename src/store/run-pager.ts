import { type Kysely, type SelectQueryBuilder, sql } from 'kysely';
import type { RunPage, RunPageQuery } from './run-history-types.js';
import { RecordReader } from './run-record.js';
import { RUNS_TABLE, type SiphonTables } from './siphon-tables.js';
import type { StoreDialect } from './store-dialect.js';

/** Runs per page unless the query says otherwise, and the most it may ask for. */
export const RUN_PAGE_DEFAULT = 50;
export const RUN_PAGE_MAX = 500;

/**
 * Indexes behind the history's filters: keyset pages walk the id index and
 * stop after one page, so a filter only needs its own index when it is
 * selective (a status such as `failed` among 100,000 runs).
 */
export async function createRunPagerIndexes(db: Kysely<SiphonTables>): Promise<void> {
  await sql`CREATE INDEX IF NOT EXISTS "_siphon_runs_status_id" ON ${sql.id(RUNS_TABLE)} ("status", "id")`.execute(db);
}

type RunsQuery = SelectQueryBuilder<SiphonTables, typeof RUNS_TABLE, object>;

/**
 * `store.runs.page`: the run history newest first, filtered, in keyset pages
 * (`before`/`after` a run id), so page 2,000 costs what page 1 costs.
 */
export class RunPager {
  readonly #db: Kysely<SiphonTables>;
  readonly #records: RecordReader;

  constructor(db: Kysely<SiphonTables>, dialect: StoreDialect) {
    this.#db = db;
    this.#records = new RecordReader(dialect);
  }

  async page(query: RunPageQuery = {}): Promise<RunPage> {
    const limit = Math.max(1, Math.min(Math.floor(query.limit ?? RUN_PAGE_DEFAULT), RUN_PAGE_MAX));
    // Going to newer runs reads upwards from `after`, then turns the page round.
    const upwards = query.after !== undefined && query.before === undefined;
    let select = this.#filtered(query).selectAll();
    if (upwards) select = select.where('id', '>', query.after as number).orderBy('id', 'asc');
    else {
      if (query.before !== undefined) select = select.where('id', '<', query.before);
      select = select.orderBy('id', 'desc');
    }
    const rows = await select.limit(limit + 1).execute();
    const more = rows.length > limit;
    const page = rows.slice(0, limit);
    if (upwards) page.reverse();
    const runs = page.map((row) => this.#records.run(row));
    const newest = runs[0]?.id;
    const oldest = runs.at(-1)?.id;
    const older = upwards ? oldest !== undefined && (await this.#exists(query, '<', oldest)) : more;
    const newer = upwards ? more : newest !== undefined && (await this.#exists(query, '>', newest));
    return {
      runs,
      older: older && oldest !== undefined ? oldest : undefined,
      newer: newer && newest !== undefined ? newest : undefined,
    };
  }

  #filtered(query: RunPageQuery): RunsQuery {
    let select: RunsQuery = this.#db.selectFrom(RUNS_TABLE);
    if (query.resource !== undefined) select = select.where('resource', '=', query.resource);
    if (query.status !== undefined) select = select.where('status', '=', query.status);
    if (query.trigger !== undefined) select = select.where('trigger', '=', query.trigger);
    // ISO-8601 UTC text compares in time order in SQLite; PostgreSQL reads it as a timestamp.
    if (query.from !== undefined) select = select.where('started_at', '>=', query.from);
    if (query.to !== undefined) select = select.where('started_at', '<', query.to);
    return select;
  }

  async #exists(query: RunPageQuery, op: '<' | '>', id: number): Promise<boolean> {
    const row = await this.#filtered(query).select('id').where('id', op, id).limit(1).executeTakeFirst();
    return row !== undefined;
  }
}
