// The public API of Siphon, listed by name.

export { paginate, fetchRecords } from './paginate/paginate.js';
export type { PaginateOptions, Page, WalkEvent } from './paginate/paginate-options.js';

export { HttpClient, type GetJsonInit } from './http/client.js';
export type { HttpClientOptions, ClientEvent } from './http/client-options.js';
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
  createAuth,
  authKinds,
  type AuthConfig,
  type BearerAuthConfig,
  type TokenAuthConfig,
  type ApiKeyAuthConfig,
  type BasicAuthConfig,
  type OAuth2ClientCredentialsAuthConfig,
} from './http/auth/index.js';
export { SlidingWindowBudget, createRateBudget } from './http/rate-budget/index.js';
export { parseRateLimitHeaders, parseRetryAfter, type ServerRateInfo } from './http/rate-limit-headers.js';

export {
  createPaginator,
  paginatorTypes,
  selectRecords,
  parseLinkHeader,
  type PaginatorConfig,
  type PaginatorInit,
} from './pagination/index.js';
export type { Paginator, PageContext, PageStep, PageToken, RequestPatch, StopOptions, JsonValue } from './pagination/types.js';

export {
  SiphonError,
  HttpStatusError,
  NetworkError,
  TimeoutError,
  ResponseBodyError,
  RateLimitedError,
  PaginationError,
  PaginationLoopError,
  CrossOriginError,
  AuthError,
  ConfigError,
  type RequestSummary,
  type ResponseSummary,
} from './errors/index.js';

export { parseJson, stringifyJson, LosslessNumber, type NumberMode } from './util/exact-json.js';
export { parseDuration, type Duration } from './util/duration.js';
export { redactUrl } from './util/redact.js';

export { startDemoApi, type DemoApiOptions, type DemoApiServer, type DemoApiStats } from './demo-api/index.js';

export {
  loadConfig,
  parseConfig,
  defineConfig,
  ConfigValidationError,
  type ConfigIssue,
  type LoadConfigOptions,
  type ParseConfigOptions,
} from './config/index.js';
export type {
  SiphonConfig,
  SourceConfig,
  ResourceConfig,
  ColumnConfig,
  IncrementalConfig,
  ReportConfig,
  RetryConfig,
  ResolvedConfig,
  ResolvedResource,
  ResolvedSource,
  ResolvedColumn,
  ParentLink,
} from './config/types.js';

export { openStore } from './store/index.js';
export type {
  Store,
  TableDef,
  ColumnDef,
  Row,
  WriteMode,
  RunRecord,
  RunStatus,
  RunTrigger,
  ResourceState,
  QueryResult,
  ColumnInfo,
} from './store/types.js';
export { parseColumnType, formatColumnType, type ColumnType, type ColumnKind } from './store/column-type.js';
export { CoercionError, SchemaError } from './errors/index.js';

export { syncResources, runResource, selectResources, type RunOutcome, type SyncOptions, type SyncEvent } from './sync/index.js';

export { exportRows, exportFormats, type ExportFormat, type ExportColumn } from './export/index.js';

export {
  EmbeddedRuntime,
  scheduleTable,
  isRetryableRunError,
  type EmbeddedRuntimeOptions,
  type Runtime,
  type RuntimeEvent,
  type SchedulerEvent,
} from './runtime/index.js';
export { DistributedRuntime, startDistributedScheduler, type DistributedRuntimeOptions, type DistributedEvent } from './runtime/bullmq/index.js';
export { RedisSlidingWindowBudget } from './http/rate-budget/index.js';
