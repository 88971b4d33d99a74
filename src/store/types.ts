import type { JsonValue } from '../util/json.js';
import type { StoreBrowse } from './browse-types.js';
import type { ColumnType } from './column-type.js';
import type { ColumnWidening, WidenedColumn } from './column-widening.js';
import type { RunPage, RunPageQuery, StoreRunEvents } from './run-history-types.js';
import type { RunTally } from './run-tally.js';

/** One column of a destination table. */
export interface ColumnDef {
  /** SQL name, a validated identifier (`[A-Za-z_][A-Za-z0-9_]*`, at most 63 characters). */
  readonly name: string;
  readonly type: ColumnType;
}

/** A destination table as the config (and inference) declares it. */
export interface TableDef {
  readonly name: string;
  readonly columns: readonly ColumnDef[];
  /** Column names of the primary key; empty for none (append-only tables). */
  readonly primaryKey: readonly string[];
}

/**
 * - `replace`: rows go to a staging table swapped in, in one transaction, when
 *   the run succeeds (readers see the old rows or the new, never half);
 * - `merge`: upsert by primary key;
 * - `append`: insert.
 */
export type WriteMode = 'replace' | 'merge' | 'append';

/** A row keyed by column name. Values written are raw API values, coerced by the store to the column type. */
export type Row = Record<string, unknown>;

export type RunTrigger = 'manual' | 'schedule' | 'retry' | 'catch-up' | 'recovery';
export type RunStatus = 'running' | 'succeeded' | 'failed' | 'interrupted' | 'skipped';

/** One row of the run history, with its totals over every attempt. Timestamps are ISO-8601 UTC strings. */
export interface RunRecord extends RunTally {
  readonly id: number;
  /** `source.resource`. */
  readonly resource: string;
  readonly trigger: RunTrigger;
  readonly status: RunStatus;
  /** 1 for the first attempt, +1 each time the run is resumed. */
  readonly attempt: number;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly heartbeatAt: string | null;
  readonly error: string | null;
  /** Position after the last committed batch; what a resumed run starts from. */
  readonly checkpoint: JsonValue | null;
  /** Who ran it (host:pid, worker id). */
  readonly worker: string | null;
  /** Inferred columns the run widened (`current_price` bigint → decimal), in order. */
  readonly widened: readonly WidenedColumn[];
}

export interface FailOptions {
  /**
   * `false` when resuming cannot finish the run (its walk is over, short of
   * what the API announced): the checkpoint is cleared, so the next run
   * starts over and a replace's staged rows are never swapped in.
   * @default true
   */
  readonly resumable?: boolean | undefined;
  /** Retries made and time waited since the last committed batch, added to the run's totals. */
  readonly uncommitted?: Pick<RunTally, 'retries' | 'waitedMs'> | undefined;
}

/** Per-resource state kept between runs. */
export interface ResourceState {
  readonly resource: string;
  /** Incremental sync: the largest cursor value committed so far. */
  readonly highWaterMark: string | null;
  readonly lastRunId: number | null;
  readonly lastSuccessAt: string | null;
}

/**
 * A batch of rows and the checkpoint that commits with them, in one
 * transaction; its tally is added to the run's totals.
 */
export interface BatchWrite extends RunTally {
  readonly runId: number;
  readonly table: TableDef;
  readonly mode: WriteMode;
  /** With no rows and no `evolve`, only the checkpoint and counters are written (the table need not exist). */
  readonly rows: readonly Row[];
  /** Position after this batch. */
  readonly checkpoint: JsonValue;
  /**
   * The table (a replace's staging table) must change first, in the batch's
   * transaction: created when missing, columns it lacks added, and `widen`
   * applied; the widenings are recorded in the run.
   */
  readonly evolve?: { readonly widen: readonly ColumnWidening[] } | undefined;
}

export interface CompleteRun {
  readonly runId: number;
  /** `undefined` when the run never had a table to write (no records and nothing declared): nothing to swap. */
  readonly table: TableDef | undefined;
  readonly mode: WriteMode;
  /** A replace: widenings of its staging table the table takes on when the rows are swapped in. */
  readonly widen?: readonly ColumnWidening[] | undefined;
  /** Stored with the run's success, in the same transaction (incremental syncs). */
  readonly highWaterMark?: string | null | undefined;
  /** Retries made and time waited since the last committed batch (pages fetched ahead and not needed), added to the run's totals. */
  readonly uncommitted?: Pick<RunTally, 'retries' | 'waitedMs'> | undefined;
}

export interface ColumnInfo {
  readonly name: string;
  /** The Siphon type the column was created with, when the store can tell. */
  readonly type: ColumnType | undefined;
  /** The type as the database reports it. */
  readonly sqlType: string;
}

export interface QueryResult {
  readonly columns: readonly string[];
  readonly rows: AsyncIterable<Row>;
}

/**
 * Where synced data and Siphon's own bookkeeping live. One implementation per
 * dialect (SQLite, PostgreSQL) behind this interface; values read back are
 * normalized the same way in every dialect: bigint → `bigint`, decimal →
 * exact digit `string`, timestamp → ISO-8601 UTC `string`, boolean →
 * `boolean`, json → parsed value (exact numbers).
 */
export interface Store {
  /** `'sqlite'` or `'postgres'`. */
  readonly dialect: string;
  /** Creates Siphon's own tables (`_siphon_runs`, `_siphon_state`) when missing. */
  init(): Promise<void>;

  /** Creates the table, or adds the declared columns it lacks; a changed type or key is a clear error, never a silent drop. */
  ensureTable(table: TableDef): Promise<void>;
  /** For `replace`: creates an empty staging table (`fresh`), or keeps the one a resumed run already filled. */
  prepareReplace(table: TableDef, fresh: boolean): Promise<void>;
  /** Writes rows (to staging for `replace`) and the run's checkpoint in one transaction. */
  writeBatch(batch: BatchWrite): Promise<void>;

  /** The run history and what each resource keeps between runs. */
  readonly runs: StoreRuns;
  /** One run per resource at a time, across processes and hosts. */
  readonly leases: StoreLeases;
  /** A table's rows a page at a time, sorted, searched and filtered (the admin's data browser). */
  readonly browse: StoreBrowse;

  /** Whether a table exists. */
  hasTable(table: string): Promise<boolean>;
  tableColumns(table: string): Promise<ColumnInfo[]>;
  /** Streams a table's rows, normalized, ordered by primary key (or insertion order). */
  readTable(table: string, options?: { columns?: readonly string[] | undefined; batchSize?: number | undefined }): Promise<QueryResult>;
  /** Runs a read-only SQL query (reports) and streams its rows. */
  query(sql: string): Promise<QueryResult>;
  /**
   * Has the database compile and plan `sql` (a report) without running it,
   * over `tables` as they would be created (temporary tables in a
   * transaction that is rolled back, standing in for tables of the same
   * name); other tables are the database's own. Nothing changes. A query
   * that cannot run throws the database's error.
   */
  checkQuery(sql: string, tables: readonly TableDef[]): Promise<void>;
  close(): Promise<void>;
}

/** `store.runs`: the run history (`_siphon_runs`) and each resource's state between runs (`_siphon_state`). */
export interface StoreRuns {
  /**
   * A new run. `continues`: a failed run whose failure may pass next time; the
   * new row takes over its checkpoint, its pages and records (what its
   * committed batches hold) and its attempt + 1, and the failed row is left
   * as it was.
   */
  start(start: {
    resource: string;
    trigger: RunTrigger;
    worker?: string | undefined;
    continues?: RunRecord | undefined;
  }): Promise<RunRecord>;
  /** The newest run of `resource` that did not finish (`running`, `failed` or `interrupted` with a checkpoint and no later success). */
  findResumable(resource: string): Promise<RunRecord | undefined>;
  /** Marks a run `running` again with `attempt + 1`. */
  resume(runId: number, trigger: RunTrigger, worker?: string | undefined): Promise<RunRecord>;
  /** Success: `replace` swaps staging in, the run and the resource state are closed, in one transaction. */
  complete(complete: CompleteRun): Promise<RunRecord>;
  /** Failure or interruption: the checkpoint (and a replace's staging rows) stay for a resume. */
  fail(runId: number, error: string, status?: 'failed' | 'interrupted', options?: FailOptions): Promise<RunRecord>;
  /** Records a run that did not happen (e.g. the previous one is still going). */
  skip(resource: string, trigger: RunTrigger, reason: string): Promise<RunRecord>;
  /** Marks the run alive. */
  heartbeat(runId: number): Promise<void>;
  get(runId: number): Promise<RunRecord | undefined>;
  /** Newest first; 50 unless `limit` says otherwise. */
  list(options?: { resource?: string | undefined; limit?: number | undefined }): Promise<RunRecord[]>;
  /** The history newest first, filtered, in keyset pages. */
  page(query?: RunPageQuery): Promise<RunPage>;
  /** Each run's timeline (pages, retries, waits, commits), its newest 1,000 events. */
  readonly events: StoreRunEvents;
  /** What the resource keeps between runs (high-water mark, last success). */
  state(resource: string): Promise<ResourceState | undefined>;
  /**
   * Forgets where the resource stands, in one transaction: its incremental
   * high-water mark and the checkpoints of its unfinished runs, so the next
   * run starts from the first page. Hold the resource's lease while calling it.
   */
  resetState(resource: string): Promise<StateReset>;
}

/** What {@link StoreRuns.resetState} cleared. */
export interface StateReset {
  /** The high-water mark there was, if any. */
  readonly highWaterMark: string | null;
  /** Ids of the unfinished runs whose checkpoints were cleared. */
  readonly runs: readonly number[];
}

/**
 * `store.leases`: per-resource leases with an expiry on the database's clock,
 * which every worker shares. An owner is any string unique to one run.
 */
export interface StoreLeases {
  /** Takes the lease unless another owner holds an unexpired one; `true` when taken (or already `owner`'s). */
  acquire(resource: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Extends a lease this owner holds; `false` when it was lost. */
  renew(resource: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up, if `owner` still holds it. */
  release(resource: string, owner: string): Promise<void>;
  /** The owner of the resource's lease, if any (expired or not). */
  holder(resource: string): Promise<string | undefined>;
}
