// The public API of Siphon, listed by name.

export {
  type ConfigIssue,
  ConfigValidationError,
  defineConfig,
  type LoadConfigOptions,
  loadConfig,
  type ParseConfigOptions,
  parseConfig,
} from './config/index.js';
export type {
  ColumnConfig,
  IncrementalConfig,
  ParentLink,
  ReportConfig,
  ResolvedColumn,
  ResolvedConfig,
  ResolvedResource,
  ResolvedSource,
  ResourceConfig,
  RetryConfig,
  SiphonConfig,
  SourceConfig,
} from './config/types.js';
export { type DemoApiOptions, type DemoApiServer, type DemoApiStats, startDemoApi } from './demo-api/index.js';
export {
  AuthError,
  CoercionError,
  ConfigError,
  CrossOriginError,
  HttpStatusError,
  NetworkError,
  PaginationError,
  PaginationLoopError,
  RateLimitedError,
  type RequestSummary,
  ResponseBodyError,
  type ResponseSummary,
  SchemaError,
  SiphonError,
  TimeoutError,
} from './errors/index.js';
export { type ExportColumn, type ExportFormat, exportFormats, exportRows } from './export/index.js';
export {
  type ApiKeyAuthConfig,
  type AuthConfig,
  authKinds,
  type BasicAuthConfig,
  type BearerAuthConfig,
  createAuth,
  type OAuth2ClientCredentialsAuthConfig,
  type TokenAuthConfig,
} from './http/auth/index.js';
export { type GetJsonInit, HttpClient } from './http/client.js';
export type { ClientEvent, HttpClientOptions } from './http/client-options.js';
export { createRateBudget, RedisSlidingWindowBudget, SlidingWindowBudget } from './http/rate-budget/index.js';
export { parseRateLimitHeaders, parseRetryAfter, type ServerRateInfo } from './http/rate-limit-headers.js';
export { DEFAULT_RETRY_STATUSES } from './http/retry-policy.js';
export type {
  Auth,
  AuthContext,
  JsonResponse,
  OutgoingRequest,
  QueryParams,
  QueryValue,
  RateBudget,
  RateLimitedWhen,
  RateLimitObservation,
  RateLimitOptions,
  ResponseInfo,
  RetryOptions,
} from './http/types.js';
export {
  createPaginator,
  type PaginatorConfig,
  type PaginatorInit,
  paginatorTypes,
  parseLinkHeader,
  selectRecords,
} from './pagination/index.js';
export type { JsonValue, PageContext, PageStep, PageToken, Paginator, RequestPatch, StopOptions } from './pagination/types.js';
export {
  type DistributedEvent,
  DistributedRuntime,
  type DistributedRuntimeOptions,
  startDistributedScheduler,
} from './runtime/distributed/index.js';
export {
  EmbeddedRuntime,
  type EmbeddedRuntimeOptions,
  isRetryableRunError,
  type Runtime,
  type RuntimeEvent,
  type SchedulerEvent,
  scheduleTable,
} from './runtime/index.js';
export { type ColumnKind, type ColumnType, formatColumnType, parseColumnType } from './store/column-type.js';
export { openStore } from './store/index.js';
export type {
  ColumnDef,
  ColumnInfo,
  QueryResult,
  ResourceState,
  Row,
  RunRecord,
  RunStatus,
  RunTrigger,
  Store,
  TableDef,
  WriteMode,
} from './store/types.js';
export { type RunOutcome, runResource, type SyncEvent, type SyncOptions, selectResources, syncResources } from './sync/index.js';
export { type Duration, parseDuration } from './util/duration.js';
export { LosslessNumber, type NumberMode, parseJson, stringifyJson } from './util/exact-json.js';
export { redactUrl } from './util/redact.js';
export { fetchRecords, paginate } from './walk/paginate.js';
export type { Page, PaginateOptions, WalkEvent } from './walk/paginate-options.js';
