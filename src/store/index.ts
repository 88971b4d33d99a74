// The store's public names: open a database, coerce values, check identifiers.

export { type CoercionTarget, coerceValue } from './coerce.js';
export {
  COLUMN_KINDS,
  type ColumnKind,
  type ColumnType,
  formatColumnType,
  MAX_DECIMAL_PRECISION,
  parseColumnType,
  sameColumnType,
} from './column-type.js';
export { type IdentifierKind, MAX_IDENTIFIER_LENGTH, STAGING_PREFIX, validateIdentifier } from './identifier.js';
export { type OpenStoreOptions, openStore } from './open-store.js';
export type { RunTally } from './run-tally.js';
export type {
  BatchWrite,
  ColumnDef,
  ColumnInfo,
  CompleteRun,
  QueryResult,
  ResourceState,
  Row,
  RunRecord,
  RunStatus,
  RunTrigger,
  StateReset,
  Store,
  StoreLeases,
  StoreRuns,
  TableDef,
  WriteMode,
} from './types.js';
