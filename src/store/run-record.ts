import type { Selectable } from 'kysely';
import type { JsonValue } from '../util/json.js';
import type { WidenedColumn } from './column-widening.js';
import type { RunsTable, StateTable } from './siphon-tables.js';
import type { StoreDialect } from './store-dialect.js';
import type { ResourceState, RunRecord, RunStatus, RunTrigger } from './types.js';

const TIMESTAMP = { kind: 'timestamp' } as const;
const JSON_TYPE = { kind: 'json' } as const;

/** Reads `_siphon_runs` / `_siphon_state` rows, whatever integer and timestamp forms the driver returns. */
export class RecordReader {
  readonly #timestamp: (value: unknown) => unknown;
  readonly #json: (value: unknown) => unknown;

  constructor(dialect: StoreDialect) {
    this.#timestamp = dialect.fromDriver(TIMESTAMP);
    this.#json = dialect.fromDriver(JSON_TYPE);
  }

  run(row: Selectable<RunsTable>): RunRecord {
    return {
      id: Number(row.id),
      resource: row.resource,
      trigger: row.trigger as RunTrigger,
      status: row.status as RunStatus,
      attempt: Number(row.attempt),
      startedAt: this.#timestamp(row.started_at) as string,
      finishedAt: this.#nullableTimestamp(row.finished_at),
      heartbeatAt: this.#nullableTimestamp(row.heartbeat_at),
      pages: Number(row.pages),
      records: Number(row.records),
      retries: Number(row.retries),
      waitedMs: Number(row.waited_ms),
      error: row.error,
      checkpoint: row.checkpoint === null ? null : (this.#json(row.checkpoint) as JsonValue),
      worker: row.worker,
      widened: row.widened === null || row.widened === undefined ? [] : widenedList(this.#json(row.widened)),
    };
  }

  state(row: Selectable<StateTable>): ResourceState {
    return {
      resource: row.resource,
      highWaterMark: row.high_water_mark,
      lastRunId: row.last_run_id === null ? null : Number(row.last_run_id),
      lastSuccessAt: this.#nullableTimestamp(row.last_success_at),
    };
  }

  #nullableTimestamp(value: unknown): string | null {
    return value === null || value === undefined ? null : (this.#timestamp(value) as string);
  }
}

/** The stored list, keeping only well-formed entries (the column is JSON anyone could have written). */
function widenedList(value: unknown): WidenedColumn[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown) => {
    if (item === null || typeof item !== 'object') return [];
    const { table, column, from, to } = item as Record<string, unknown>;
    return typeof table === 'string' && typeof column === 'string' && typeof from === 'string' && typeof to === 'string'
      ? [{ table, column, from, to }]
      : [];
  });
}
