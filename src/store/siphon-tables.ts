import type { Generated, ColumnType as KyselyColumn } from 'kysely';

/** An integer as a driver returns it: SQLite (safe integers) and PostgreSQL's int8 give `bigint`. */
type DriverInteger = number | bigint;
type Counter = KyselyColumn<DriverInteger, number | undefined, number>;
/** ISO-8601 strings on the way in; on the way out whatever the dialect's decoder normalizes. */
type Timestamp = KyselyColumn<unknown, string, string>;
type NullableTimestamp = KyselyColumn<unknown, string | null | undefined, string | null>;

export const RUNS_TABLE = '_siphon_runs';
export const STATE_TABLE = '_siphon_state';

/** `_siphon_runs`: one row per run, the history `siphon runs` prints. */
export interface RunsTable {
  id: Generated<DriverInteger>;
  resource: string;
  trigger: string;
  status: string;
  attempt: Counter;
  started_at: Timestamp;
  finished_at: NullableTimestamp;
  heartbeat_at: NullableTimestamp;
  pages: Counter;
  records: Counter;
  retries: Counter;
  waited_ms: Counter;
  error: string | null;
  /** Exact JSON text on the way in; SQLite returns the text, PostgreSQL (jsonb) the parsed value. */
  checkpoint: KyselyColumn<unknown, string | null | undefined, string | null>;
  worker: string | null;
  /** JSON list of the inferred columns the run widened (column-widening.ts `WidenedColumn`); NULL for none. */
  widened: KyselyColumn<unknown, string | null | undefined, string | null>;
}

/** `_siphon_state`: per-resource state kept between runs, and the run lease. */
export interface StateTable {
  resource: string;
  high_water_mark: string | null;
  last_run_id: KyselyColumn<DriverInteger | null, number | null | undefined, number | null>;
  last_success_at: NullableTimestamp;
  lease_owner: string | null;
  lease_until: NullableTimestamp;
}

/** The tables the store's typed queries know; synced tables are reached with `sql` and checked identifiers. */
export interface SiphonTables {
  _siphon_runs: RunsTable;
  _siphon_state: StateTable;
}
