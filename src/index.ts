// `siphon-sync`: the engine (walk any paginated API) and the config.
// Storage, sync, runtimes, exports and the demo API are subpaths
// (`siphon-sync/store`, …) so that importing the engine loads no database,
// queue or spreadsheet module.

export {
  type ConfigIssue,
  ConfigValidationError,
  defineConfig,
  type LoadConfigOptions,
  loadConfig,
  type ParseConfigOptions,
  parseConfig,
} from './config/index.js';
export type { FieldCondition, FilterExpression, FilterValue, RecordPredicate } from './config/record-filter.js';
export type {
  AddedField,
  ColumnConfig,
  IncrementalConfig,
  ParentLink,
  RecordMap,
  ReportConfig,
  ResolvedColumn,
  ResolvedConfig,
  ResolvedResource,
  ResolvedSource,
  ResourceConfig,
  RetryConfig,
  SiphonConfig,
  SourceConfig,
  UndeclaredMode,
} from './config/types.js';
export {
  AuthError,
  CoercionError,
  ConfigError,
  CrossOriginError,
  GraphqlError,
  type GraphqlErrorEntry,
  HttpStatusError,
  IncompleteSyncError,
  NetworkError,
  PaginationError,
  PaginationLoopError,
  ParentValueError,
  RateLimitedError,
  RateLimitWaitError,
  RecordError,
  RedisUnavailableError,
  RepeatedPageError,
  type RequestSummary,
  ResponseBodyError,
  type ResponseSummary,
  ResponseTooLargeError,
  SchemaError,
  SiphonError,
  TimeoutError,
} from './errors/index.js';
export {
  type ApiKeyAuthConfig,
  type AuthConfig,
  type AuthKind,
  authKinds,
  type BasicAuthConfig,
  type BearerAuthConfig,
  createAuth,
  type OAuth2ClientCredentialsAuthConfig,
  type TokenAuthConfig,
} from './http/auth/index.js';
export { type GetJsonInit, HttpClient, type RequestBody } from './http/client.js';
export type { ClientEvent, HttpClientOptions } from './http/client-options.js';
export { createRateBudget, SlidingWindowBudget } from './http/rate-budget/index.js';
export type { FormBody, JsonBody, RequestMethod } from './http/request-body.js';
export type { ResponseAction, ResponseActionKind } from './http/response-actions.js';
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
export { createPaginator, type PaginatorConfig, type PaginatorInit, paginatorTypes, selectRecords } from './pagination/index.js';
export type { JsonValue, PageContext, PageStep, PageToken, Paginator, RequestPatch, StopOptions } from './pagination/types.js';
export type { Duration } from './util/duration.js';
export { JsonDepthError, LosslessNumber, MAX_JSON_DEPTH, type NumberMode, parseJson, stringifyJson } from './util/exact-json.js';
export { fetchRecords, paginate } from './walk/paginate.js';
export type { Page, PaginateOptions, WalkEvent } from './walk/paginate-options.js';
