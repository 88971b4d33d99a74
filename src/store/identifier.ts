import { ConfigError } from '../errors/config-error.js';
import type { TableDef } from './types.js';

export type IdentifierKind = 'table' | 'column';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** PostgreSQL truncates names at 63 bytes; tables leave room for the `_siphon_stage_` prefix. */
export const MAX_IDENTIFIER_LENGTH: Readonly<Record<IdentifierKind, number>> = { table: 48, column: 63 };

/** The prefix of the staging table a `replace` run fills. */
export const STAGING_PREFIX = '_siphon_stage_';

// Names either dialect gives a meaning of its own: SQLite reserves `sqlite_`
// tables, and a column called rowid/ctid/… would shadow or clash with the
// row position Siphon orders unkeyed tables by.
const RESERVED_PREFIX: Readonly<Record<IdentifierKind, RegExp>> = { table: /^(_siphon|sqlite_)/i, column: /^_siphon/i };
const RESERVED_REASON: Readonly<Record<IdentifierKind, string>> = {
  table: "names starting with _siphon (Siphon's own tables) or sqlite_ (SQLite's) are reserved",
  column: 'names starting with _siphon are reserved for Siphon',
};
const RESERVED_COLUMNS = new Set(['rowid', '_rowid_', 'oid', 'ctid', 'xmin', 'xmax', 'cmin', 'cmax', 'tableoid']);

/**
 * Checks a table or column name Siphon will create: `[A-Za-z_][A-Za-z0-9_]*`,
 * at most 48 characters for a table and 63 for a column, not starting with
 * `_siphon` (Siphon's own tables). Throws a {@link ConfigError} at `path`
 * (default: the kind) naming the offending name; returns the name.
 */
export function validateIdentifier(name: string, kind: IdentifierKind, path: string = kind): string {
  const shown = JSON.stringify(name);
  if (!IDENTIFIER.test(name)) {
    throw new ConfigError(path, `${kind} name ${shown} is not a valid identifier: use letters, digits and _ (not starting with a digit)`);
  }
  const max = MAX_IDENTIFIER_LENGTH[kind];
  if (name.length > max) throw new ConfigError(path, `${kind} name ${shown} is ${name.length} characters long; the limit is ${max}`);
  if (RESERVED_PREFIX[kind].test(name)) {
    throw new ConfigError(path, `${kind} name ${shown} is reserved: ${RESERVED_REASON[kind]}`);
  }
  if (kind === 'column' && RESERVED_COLUMNS.has(name.toLowerCase())) {
    throw new ConfigError(path, `column name ${shown} is reserved by the database (a system column); rename it`);
  }
  return name;
}

/**
 * Checks every name of a table definition, that column names are unique
 * (case-insensitively: SQLite folds case) and that the key's columns exist.
 */
export function validateTableDef(table: TableDef): void {
  const path = `table ${table.name}`;
  validateIdentifier(table.name, 'table', 'table');
  if (table.columns.length === 0) throw new ConfigError(path, 'declares no columns');
  const seen = new Set<string>();
  for (const column of table.columns) {
    validateIdentifier(column.name, 'column', `${path}.columns`);
    const folded = column.name.toLowerCase();
    if (seen.has(folded)) throw new ConfigError(`${path}.columns`, `column ${JSON.stringify(column.name)} is declared twice`);
    seen.add(folded);
  }
  for (const key of table.primaryKey) {
    if (!table.columns.some((column) => column.name === key)) {
      throw new ConfigError(`${path}.primaryKey`, `key column ${JSON.stringify(key)} is not among the table's columns`);
    }
  }
}

/** The staging table of a `replace` into `table`. */
export function stagingTable(table: string): string {
  return `${STAGING_PREFIX}${table}`;
}
