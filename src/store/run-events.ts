import { type Kysely, type ColumnType as KyselyColumn, type RawBuilder, sql } from 'kysely';
import { parseJson, stringifyJson } from '../util/exact-json.js';
import type { JsonValue } from '../util/json.js';
import type { ColumnType } from './column-type.js';
import type { RunEvent, RunEventInput, StoreRunEvents } from './run-history-types.js';
import type { SiphonTables } from './siphon-tables.js';
import type { StoreDialect } from './store-dialect.js';

export const RUN_EVENTS_TABLE = '_siphon_run_events';

/** Events kept per run: the newest, so a run of a million pages keeps a bounded timeline. */
export const RUN_EVENTS_KEPT = 1000;

type DriverInteger = number | bigint;

/** `_siphon_run_events`: the timeline of each run (pages, retries, waits, commits). */
interface RunEventsTable {
  id: KyselyColumn<DriverInteger, never, never>;
  run_id: KyselyColumn<DriverInteger, number, number>;
  at: KyselyColumn<unknown, string, string>;
  type: string;
  /** Exact JSON text in; SQLite returns the text, PostgreSQL (jsonb) the parsed value. */
  data: KyselyColumn<unknown, string, string>;
}

type EventTables = SiphonTables & { [RUN_EVENTS_TABLE]: RunEventsTable };

/** Creates `_siphon_run_events` when missing; called with the rest of the bookkeeping, under the schema lock. */
export async function createRunEventsTable(db: Kysely<SiphonTables>, dialect: StoreDialect): Promise<void> {
  const type = (kind: Exclude<ColumnType['kind'], 'decimal'>): RawBuilder<unknown> => sql.raw(dialect.sqlType({ kind }));
  await sql`
    CREATE TABLE IF NOT EXISTS ${sql.id(RUN_EVENTS_TABLE)} (
      "id" ${sql.raw(dialect.identityColumn)},
      "run_id" ${type('bigint')} NOT NULL,
      "at" ${type('timestamp')} NOT NULL,
      "type" ${type('text')} NOT NULL,
      "data" ${type('json')} NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX IF NOT EXISTS "_siphon_run_events_run_id" ON ${sql.id(RUN_EVENTS_TABLE)} ("run_id", "id")`.execute(db);
}

/**
 * `store.runs.events`: each run's timeline, trimmed to its newest
 * {@link RUN_EVENTS_KEPT} events as it grows. A store whose database predates
 * the table (opened read-only) reads an empty timeline.
 */
export class RunEventLog implements StoreRunEvents {
  readonly #db: Kysely<EventTables>;
  readonly #base: Kysely<SiphonTables>;
  readonly #dialect: StoreDialect;
  readonly #timestamp: (value: unknown) => unknown;
  readonly #kept: number;
  /** Set once the table is seen; a missing one is looked for again on each read. */
  #present = false;

  constructor(db: Kysely<SiphonTables>, dialect: StoreDialect, kept = RUN_EVENTS_KEPT) {
    this.#db = db.withTables<{ [RUN_EVENTS_TABLE]: RunEventsTable }>();
    this.#base = db;
    this.#dialect = dialect;
    this.#timestamp = dialect.fromDriver({ kind: 'timestamp' });
    this.#kept = kept;
  }

  async append(runId: number, events: readonly RunEventInput[]): Promise<void> {
    if (events.length === 0) return;
    const rows = events
      .slice(-this.#kept)
      .map((event) => ({ run_id: runId, at: event.at, type: event.type, data: stringifyJson(event.data) }));
    await this.#db.transaction().execute(async (trx) => {
      await trx.insertInto(RUN_EVENTS_TABLE).values(rows).execute();
      // The id of the oldest event to keep; older ones go. NULL (fewer than kept) deletes nothing.
      const oldestKept = trx
        .selectFrom(RUN_EVENTS_TABLE)
        .select('id')
        .where('run_id', '=', runId)
        .orderBy('id', 'desc')
        .limit(1)
        .offset(this.#kept - 1);
      await trx.deleteFrom(RUN_EVENTS_TABLE).where('run_id', '=', runId).where('id', '<', oldestKept).execute();
    });
  }

  async list(runId: number, options: { after?: number | undefined; limit?: number | undefined } = {}): Promise<RunEvent[]> {
    if (!(await this.#exists())) return [];
    let query = this.#db
      .selectFrom(RUN_EVENTS_TABLE)
      .selectAll()
      .where('run_id', '=', runId)
      .orderBy('id', 'asc')
      .limit(Math.max(1, Math.min(options.limit ?? this.#kept, this.#kept)));
    if (options.after !== undefined) query = query.where('id', '>', options.after);
    const rows = await query.execute();
    return rows.map((row) => this.#event(row));
  }

  async latest(runId: number, type: string): Promise<RunEvent | undefined> {
    if (!(await this.#exists())) return undefined;
    // Newest first by id within the run: at most the run's kept events are looked at.
    const row = await this.#db
      .selectFrom(RUN_EVENTS_TABLE)
      .selectAll()
      .where('run_id', '=', runId)
      .where('type', '=', type)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row === undefined ? undefined : this.#event(row);
  }

  #event(row: { id: DriverInteger; run_id: DriverInteger; at: unknown; type: string; data: unknown }): RunEvent {
    return {
      id: Number(row.id),
      runId: Number(row.run_id),
      at: this.#timestamp(row.at) as string,
      type: row.type,
      data: (typeof row.data === 'string' ? parseJson(row.data) : row.data) as JsonValue,
    };
  }

  async #exists(): Promise<boolean> {
    this.#present ||= (await this.#dialect.describeTable(this.#base, RUN_EVENTS_TABLE)) !== undefined;
    return this.#present;
  }
}
