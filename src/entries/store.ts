// `siphon-sync/store`: the SQL destination (SQLite or PostgreSQL) and its run history.
// Each database driver loads only when a store of its kind is opened.

export { BrowseError } from '../errors/browse-error.js';
export { CoercionError, SchemaError } from '../errors/index.js';
export type {
  BrowsePage,
  BrowseQuery,
  BrowseRow,
  BrowseView,
  ColumnFilter,
  FilterOperator,
  SortDirection,
  StoreBrowse,
} from '../store/browse-types.js';
export { type ColumnKind, type ColumnType, formatColumnType, parseColumnType } from '../store/column-type.js';
export type { ColumnWidening, WidenedColumn } from '../store/column-widening.js';
export { type OpenStoreOptions, openStore } from '../store/open-store.js';
export type { RunEvent, RunEventInput, RunPage, RunPageQuery, StoreRunEvents } from '../store/run-history-types.js';
export type { RunTally } from '../store/run-tally.js';
export type {
  BatchWrite,
  ColumnDef,
  ColumnInfo,
  CompleteRun,
  FailOptions,
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
} from '../store/types.js';
