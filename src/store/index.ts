// The store's public names: open a database, coerce values, check identifiers.

export { openStore, type OpenStoreOptions } from './open-store.js';
export { coerceValue, type CoercionTarget } from './coerce.js';
export { validateIdentifier, MAX_IDENTIFIER_LENGTH, STAGING_PREFIX, type IdentifierKind } from './identifier.js';
export {
  COLUMN_KINDS,
  MAX_DECIMAL_PRECISION,
  formatColumnType,
  parseColumnType,
  sameColumnType,
  type ColumnKind,
  type ColumnType,
} from './column-type.js';
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
  Store,
  TableDef,
  WriteMode,
} from './types.js';
