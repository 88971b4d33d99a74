import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { ColumnType } from './column-type.js';
import { createRunEventsTable } from './run-events.js';
import { createRunPagerIndexes } from './run-pager.js';
import { RUNS_TABLE, type SiphonTables, STATE_TABLE } from './siphon-tables.js';
import type { StoreDialect } from './store-dialect.js';

/**
 * Creates `_siphon_runs` and `_siphon_state` when missing. Call inside a
 * transaction holding the dialect's schema lock, which makes it safe for
 * several processes starting at once.
 */
export async function createBookkeeping(db: Kysely<SiphonTables>, dialect: StoreDialect): Promise<void> {
  const type = (kind: Exclude<ColumnType['kind'], 'decimal'>): RawBuilder<unknown> => sql.raw(dialect.sqlType({ kind }));
  const text = type('text');
  const counter = sql`${type('bigint')} NOT NULL DEFAULT 0`;
  await sql`
    CREATE TABLE IF NOT EXISTS ${sql.id(RUNS_TABLE)} (
      "id" ${sql.raw(dialect.identityColumn)},
      "resource" ${text} NOT NULL,
      "trigger" ${text} NOT NULL,
      "status" ${text} NOT NULL,
      "attempt" ${type('integer')} NOT NULL DEFAULT 1,
      "started_at" ${type('timestamp')} NOT NULL,
      "finished_at" ${type('timestamp')},
      "heartbeat_at" ${type('timestamp')},
      "pages" ${counter},
      "records" ${counter},
      "retries" ${counter},
      "waited_ms" ${counter},
      "error" ${text},
      "checkpoint" ${type('json')},
      "worker" ${text},
      "widened" ${type('json')}
    )`.execute(db);
  await addMissingRunColumns(db, dialect, { widened: type('json') });
  // Runs are looked up newest first per resource (resume, history).
  await sql`CREATE INDEX IF NOT EXISTS "_siphon_runs_resource_id" ON ${sql.id(RUNS_TABLE)} ("resource", "id")`.execute(db);
  await sql`
    CREATE TABLE IF NOT EXISTS ${sql.id(STATE_TABLE)} (
      "resource" ${text} NOT NULL PRIMARY KEY,
      "high_water_mark" ${text},
      "last_run_id" ${type('bigint')},
      "last_success_at" ${type('timestamp')},
      "lease_owner" ${text},
      "lease_until" ${type('timestamp')}
    )`.execute(db);
  await createRunPagerIndexes(db);
  await createRunEventsTable(db, dialect);
}

/** Columns later versions added to `_siphon_runs`: a database an older Siphon created gains them (NULL in old runs). */
async function addMissingRunColumns(
  db: Kysely<SiphonTables>,
  dialect: StoreDialect,
  columns: Readonly<Record<string, RawBuilder<unknown>>>,
): Promise<void> {
  const shape = await dialect.describeTable(db, RUNS_TABLE);
  const have = new Set(shape?.columns.map((column) => column.name));
  for (const [name, type] of Object.entries(columns)) {
    if (!have.has(name)) await sql`ALTER TABLE ${sql.id(RUNS_TABLE)} ADD COLUMN ${sql.id(name)} ${type}`.execute(db);
  }
}
