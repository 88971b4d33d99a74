import { type Kysely, type Selectable, sql } from 'kysely';
import { stringifyJson } from '../util/exact-json.js';
import type { JsonValue } from '../util/json.js';
import { type ColumnWidening, widenedColumn } from './column-widening.js';
import { RunEventLog } from './run-events.js';
import type { RunPage, RunPageQuery, StoreRunEvents } from './run-history-types.js';
import { RunPager } from './run-pager.js';
import { RecordReader } from './run-record.js';
import type { RunTally } from './run-tally.js';
import { RUNS_TABLE, type RunsTable, type SiphonTables, STATE_TABLE } from './siphon-tables.js';
import type { StoreDialect } from './store-dialect.js';
import type { BatchWrite, CompleteRun, FailOptions, ResourceState, RunRecord, RunTrigger, StateReset, StoreRuns } from './types.js';

const RESUMABLE = new Set(['running', 'failed', 'interrupted']);

/** Runs {@link RunLog.list} returns unless told. */
const DEFAULT_LIMIT = 50;

/**
 * What else commits in the transaction that closes a run as a success: a
 * replace's swap of its staged rows, which only the table side knows how to do.
 */
export type CommitWithSuccess = (db: Kysely<SiphonTables>, complete: CompleteRun) => Promise<void>;

/**
 * `_siphon_runs` and `_siphon_state` (`store.runs`): the run history and what
 * each resource remembers between runs. {@link RunLog.recordBatch} runs inside
 * the caller's transaction, so a batch commits together with its bookkeeping.
 * Run times are the writer's clock (ISO-8601 UTC, milliseconds).
 */
export class RunLog implements StoreRuns {
  readonly events: StoreRunEvents;
  readonly #db: Kysely<SiphonTables>;
  readonly #records: RecordReader;
  readonly #commitWithSuccess: CommitWithSuccess;
  readonly #pager: RunPager;

  constructor(db: Kysely<SiphonTables>, dialect: StoreDialect, commitWithSuccess: CommitWithSuccess) {
    this.#db = db;
    this.#records = new RecordReader(dialect);
    this.#commitWithSuccess = commitWithSuccess;
    this.#pager = new RunPager(db, dialect);
    this.events = new RunEventLog(db, dialect);
  }

  async start(start: {
    resource: string;
    trigger: RunTrigger;
    worker?: string | undefined;
    continues?: RunRecord | undefined;
  }): Promise<RunRecord> {
    const { resource, trigger, worker, continues } = start;
    const now = isoNow();
    const row = await this.#db
      .insertInto(RUNS_TABLE)
      .values({
        resource,
        trigger,
        status: 'running',
        attempt: continues ? continues.attempt + 1 : 1,
        started_at: now,
        heartbeat_at: now,
        worker: worker ?? null,
        ...(continues && continues.checkpoint !== null
          ? { checkpoint: stringifyJson(continues.checkpoint), pages: continues.pages, records: continues.records }
          : {}),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return this.#records.run(row);
  }

  /** The batch's checkpoint and counters, and the widenings it made, in the caller's transaction. */
  async recordBatch(db: Kysely<SiphonTables>, batch: BatchWrite): Promise<void> {
    const widened = batch.evolve?.widen.length ? await this.#widenedWith(db, batch.runId, batch.evolve.widen) : undefined;
    const result = await db
      .updateTable(RUNS_TABLE)
      .set({
        checkpoint: batch.checkpoint === null ? null : stringifyJson(batch.checkpoint),
        // Every counter is a per-batch delta (types.ts: "added to the run's
        // totals"), so a resumed run keeps what earlier attempts counted.
        pages: sql<number>`${sql.ref('pages')} + ${batch.pages}`,
        records: sql<number>`${sql.ref('records')} + ${batch.records}`,
        retries: sql<number>`${sql.ref('retries')} + ${batch.retries}`,
        waited_ms: sql<number>`${sql.ref('waited_ms')} + ${batch.waitedMs}`,
        heartbeat_at: isoNow(),
        ...(widened === undefined ? {} : { widened }),
      })
      .where('id', '=', batch.runId)
      .executeTakeFirst();
    if (result.numUpdatedRows !== 1n) throw runNotFound(batch.runId);
  }

  /** The run's list of widenings with `widen` appended, as JSON text. */
  async #widenedWith(db: Kysely<SiphonTables>, runId: number, widen: readonly ColumnWidening[]): Promise<string> {
    const row = await db.selectFrom(RUNS_TABLE).selectAll().where('id', '=', runId).executeTakeFirst();
    const earlier = row ? this.#records.run(row).widened : [];
    return stringifyJson([...earlier, ...widen.map(widenedColumn)] as unknown as JsonValue);
  }

  async findResumable(resource: string): Promise<RunRecord | undefined> {
    const row = await this.#db
      .selectFrom(RUNS_TABLE)
      .selectAll()
      .where('resource', '=', resource)
      .where('status', '<>', 'skipped')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    const run = row && this.#records.run(row);
    return run && RESUMABLE.has(run.status) && run.checkpoint !== null ? run : undefined;
  }

  async resume(runId: number, trigger: RunTrigger, worker?: string | undefined): Promise<RunRecord> {
    const row = await this.#db
      .updateTable(RUNS_TABLE)
      .set({
        status: 'running',
        attempt: sql<number>`${sql.ref('attempt')} + 1`,
        trigger,
        error: null,
        finished_at: null,
        heartbeat_at: isoNow(),
        ...(worker === undefined ? {} : { worker }),
      })
      .where('id', '=', runId)
      .returningAll()
      .executeTakeFirst();
    return this.#run(row, runId);
  }

  complete(complete: CompleteRun): Promise<RunRecord> {
    return this.#db.transaction().execute(async (trx) => {
      await this.#commitWithSuccess(trx, complete);
      return this.#succeed(trx, complete);
    });
  }

  /** Closes the run as a success and updates the resource's state, in the caller's transaction. */
  async #succeed(db: Kysely<SiphonTables>, { runId, highWaterMark, uncommitted }: CompleteRun): Promise<RunRecord> {
    const now = isoNow();
    const row = await db
      .updateTable(RUNS_TABLE)
      .set({ status: 'succeeded', finished_at: now, heartbeat_at: now, error: null, ...spent(uncommitted) })
      .where('id', '=', runId)
      .returningAll()
      .executeTakeFirst();
    const run = this.#run(row, runId);
    // `undefined` leaves the mark as it is; `null` clears it.
    const setMark = highWaterMark !== undefined;
    await db
      .insertInto(STATE_TABLE)
      .values({ resource: run.resource, last_run_id: run.id, last_success_at: now, ...(setMark ? { high_water_mark: highWaterMark } : {}) })
      .onConflict((conflict) =>
        conflict.column('resource').doUpdateSet((eb) => ({
          last_run_id: eb.ref('excluded.last_run_id'),
          last_success_at: eb.ref('excluded.last_success_at'),
          ...(setMark ? { high_water_mark: eb.ref('excluded.high_water_mark') } : {}),
        })),
      )
      .execute();
    return run;
  }

  async fail(runId: number, error: string, status: 'failed' | 'interrupted' = 'failed', options: FailOptions = {}): Promise<RunRecord> {
    const now = isoNow();
    const row = await this.#db
      .updateTable(RUNS_TABLE)
      .set({
        status,
        error,
        finished_at: now,
        heartbeat_at: now,
        ...(options.resumable === false ? { checkpoint: null } : {}),
        ...spent(options.uncommitted),
      })
      .where('id', '=', runId)
      .returningAll()
      .executeTakeFirst();
    return this.#run(row, runId);
  }

  async skip(resource: string, trigger: RunTrigger, reason: string): Promise<RunRecord> {
    const now = isoNow();
    const row = await this.#db
      .insertInto(RUNS_TABLE)
      .values({ resource, trigger, status: 'skipped', attempt: 1, started_at: now, finished_at: now, error: reason })
      .returningAll()
      .executeTakeFirstOrThrow();
    return this.#records.run(row);
  }

  async heartbeat(runId: number): Promise<void> {
    const result = await this.#db.updateTable(RUNS_TABLE).set({ heartbeat_at: isoNow() }).where('id', '=', runId).executeTakeFirst();
    if (result.numUpdatedRows !== 1n) throw runNotFound(runId);
  }

  async get(runId: number): Promise<RunRecord | undefined> {
    const row = await this.#db.selectFrom(RUNS_TABLE).selectAll().where('id', '=', runId).executeTakeFirst();
    return row && this.#records.run(row);
  }

  /** Newest first. */
  async list(options: { resource?: string | undefined; limit?: number | undefined } = {}): Promise<RunRecord[]> {
    let query = this.#db
      .selectFrom(RUNS_TABLE)
      .selectAll()
      .orderBy('id', 'desc')
      .limit(options.limit ?? DEFAULT_LIMIT);
    if (options.resource !== undefined) query = query.where('resource', '=', options.resource);
    return (await query.execute()).map((row) => this.#records.run(row));
  }

  page(query?: RunPageQuery): Promise<RunPage> {
    return this.#pager.page(query);
  }

  async state(resource: string): Promise<ResourceState | undefined> {
    const row = await this.#db.selectFrom(STATE_TABLE).selectAll().where('resource', '=', resource).executeTakeFirst();
    return row && this.#records.state(row);
  }

  resetState(resource: string): Promise<StateReset> {
    return this.#db.transaction().execute(async (trx) => {
      const state = await trx.selectFrom(STATE_TABLE).select('high_water_mark').where('resource', '=', resource).executeTakeFirst();
      await trx.updateTable(STATE_TABLE).set({ high_water_mark: null }).where('resource', '=', resource).execute();
      const cleared = await trx
        .updateTable(RUNS_TABLE)
        .set({ checkpoint: null })
        .where('resource', '=', resource)
        .where('status', 'in', [...RESUMABLE])
        .where('checkpoint', 'is not', null)
        .returning('id')
        .execute();
      return { highWaterMark: state?.high_water_mark ?? null, runs: cleared.map((row) => Number(row.id)).sort((a, b) => a - b) };
    });
  }

  #run(row: Selectable<RunsTable> | undefined, runId: number): RunRecord {
    if (!row) throw runNotFound(runId);
    return this.#records.run(row);
  }
}

/** What an attempt spent on pages it never committed, added to the run's counters: they count every retry and wait. */
function spent(uncommitted: Pick<RunTally, 'retries' | 'waitedMs'> | undefined) {
  if (!uncommitted) return {};
  return {
    retries: sql<number>`${sql.ref('retries')} + ${uncommitted.retries}`,
    waited_ms: sql<number>`${sql.ref('waited_ms')} + ${uncommitted.waitedMs}`,
  };
}

function isoNow(): string {
  return new Date().toISOString();
}

function runNotFound(runId: number): Error {
  return new RangeError(`no run with id ${runId} in ${RUNS_TABLE}`);
}
