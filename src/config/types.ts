import type { AuthConfig } from '../http/auth/index.js';
import type { GraphqlRequest } from '../http/graphql.js';
import type { FormBody, JsonBody, RequestMethod } from '../http/request-body.js';
import type { ResponseAction } from '../http/response-actions.js';
import type { QueryParams, RateLimitedWhen, RateLimitOptions, RetryOptions } from '../http/types.js';
import type { PaginatorConfig } from '../pagination/registry.js';
import type { ColumnType } from '../store/column-type.js';
import type { TableDef, WriteMode } from '../store/types.js';
import type { Duration } from '../util/duration.js';
import type { FilterExpression, RecordPredicate } from './record-filter.js';

// ─── What users write (siphon.yaml / siphon.config.ts) ──────────────────────

/**
 * A column as declared: a type (`decimal(20,2)`), `{ name, type }` to rename
 * it, or `{ path, type }` to fill it from a nested value (`user.login`); with
 * `path` the key is the column's name rather than the record's field.
 */
export type ColumnConfig = string | { name?: string; path?: string; type?: string };

/**
 * What happens to record fields not in `columns` (README "Columns that follow the data"):
 * - `infer`: a column each, typed from the data; a column widens along
 *   integer → bigint → decimal when later values need it;
 * - `evolve`: as `infer`, and a column also widens to text (a number column
 *   that meets a string) or json (one that meets an object);
 * - `json`: kept together in one `_extra` json column;
 * - `ignore`: dropped;
 * - `freeze`: as `infer` on the run that creates the table; after that a
 *   field without a column, or a value its column cannot hold, fails the run.
 */
export type UndeclaredMode = 'infer' | 'evolve' | 'json' | 'ignore' | 'freeze';

export interface IncrementalConfig {
  /** Field of each record holding its change time or sequence (`updated_at`). */
  cursorField: string;
  /** Query parameter that receives the high-water mark (`since`). */
  param: string;
  /** Value sent on the first run, before any high-water mark exists; with `window`, the instant the first window starts. */
  initial?: string | number;
  /**
   * The last instant asked for (a bounded backfill); windows stop there.
   * @default now, when the run starts
   */
  end?: string;
  /** Query parameter that receives each window's end (exclusive), e.g. `updated_until`. */
  endParam?: string;
  /**
   * How far before the high-water mark a run starts asking again, to catch
   * records updated late (their merge removes the duplicates). Needs a
   * timestamp cursor.
   */
  lookback?: Duration;
  /**
   * Asks in windows of this length, from the start to `end`, each one
   * committed with the run's checkpoint: a crash resumes at the window it was
   * in. Needs a timestamp cursor and `initial` (where the first run starts).
   */
  window?: Duration;
  /**
   * The order the API returns records in. `desc`: the walk stops at the first
   * record older than where the run (or its window) starts.
   * @default 'unordered'
   */
  order?: 'asc' | 'desc' | 'unordered';
}

/** Run-level retry policy (the recipe's `autoretry_for` / `retry_backoff`), also the HTTP retry policy. */
export interface RetryConfig extends RetryOptions {
  /** Only exponential backoff (with full jitter) exists; accepted for readability. */
  backoff?: 'exponential';
}

/** Options a source passes down to its resources; a resource may override each. */
export interface EndpointDefaults {
  params?: QueryParams;
  headers?: Record<string, string>;
  paginator?: PaginatorConfig | PaginatorConfig['type'];
  /** JSON path of the records in a response; `auto` by default. */
  records?: string;
  /**
   * How much of a resource's walk runs at once; 1 = strictly sequential. It
   * counts what a resource has many of:
   * - a plain resource: pages in flight (page number and offset strategies,
   *   whose later pages are known before the current one arrives);
   * - a child resource (`{parent.field}` in its path): parent rows walked at
   *   once, each of those walks fetching one page at a time.
   * @default 2
   */
  concurrency?: number;
  maxPages?: number;
  timezone?: string;
  /**
   * Rules on a response's status and body, tried in order before the
   * default handling (other 4xx fail the run): `{ status: 404, action: ignore }`
   * ends that walk without records and the run goes on.
   */
  responseActions?: ResponseAction[];
}

/** A value `addFields` adds: a scalar, or a string with `{run.startedAt}`, `{run.id}`, `{source.name}`, `{resource.name}` in it. */
export type AddedField = string | number | boolean | null;

/** `map` in siphon.config.ts: the record to store, or `null`/`undefined` to drop it. */
export type RecordMap = (record: Record<string, unknown>) => Record<string, unknown> | null | undefined;

export interface ResourceConfig extends EndpointDefaults {
  /** Path under the source's `baseUrl`; `{parent.field}` placeholders make it a child walked once per parent row. */
  path: string;
  /**
   * The method of every page request; `json` and `form` need POST or PUT.
   * @default 'GET'
   */
  method?: RequestMethod;
  /** A JSON body for every page request; a paginator with `in: body` sets its parameter in it. */
  json?: JsonBody;
  /** A form body (`application/x-www-form-urlencoded`) for every page request. */
  form?: FormBody;
  /**
   * A GraphQL request: POSTed to `path` as `{ query, variables }`, paged by the
   * `relay` paginator (its cursor set in `variables`); a response with `errors`
   * fails the run with their messages. Not with `json` or `form`.
   */
  graphql?: GraphqlRequest;
  /**
   * Keeps the records it matches (the others are not stored). Stop conditions
   * of the paginator (a short page, an empty page) see every record the API sent.
   */
  filter?: FilterExpression | RecordPredicate;
  /** siphon.config.ts only: turns each record into what is stored, before `filter`; `null` drops it. */
  map?: RecordMap;
  /** Top-level fields dropped from each record before it becomes a row. */
  exclude?: string[];
  /** Fields added to each record (over the API's own of that name). */
  addFields?: Record<string, AddedField>;
  /** Child resources: fields of the parent row copied into each child row, under their own names. */
  includeFromParent?: string[];
  /** Field(s) of the record forming the primary key. */
  primaryKey?: string | string[];
  /** Destination table; defaults to the resource name. */
  table?: string;
  /**
   * @default 'merge' with a primary key, 'append' without
   */
  write?: WriteMode;
  /** 5- or 6-field cron expression. */
  schedule?: string;
  columns?: Record<string, ColumnConfig>;
  /**
   * What happens to fields not in `columns` (see {@link UndeclaredMode}).
   * @default 'infer'
   */
  undeclared?: UndeclaredMode;
  /**
   * When the API announces a total (`X-Total-Count`, a body `count`/`total`,
   * a number of pages) and the run got fewer distinct records, the run fails;
   * `false` accepts the part (an API whose total counts something else).
   * @default true
   */
  expectTotal?: boolean;
  incremental?: IncrementalConfig;
  /**
   * Rows per transaction (a batch always ends on a page boundary).
   * @default 1000
   */
  batchSize?: number;
}

export interface SourceConfig extends EndpointDefaults {
  baseUrl: string;
  auth?: AuthConfig;
  rateLimit?: RateLimitOptions;
  rateLimitedWhen?: RateLimitedWhen;
  retry?: RetryConfig;
  timeout?: Duration;
  crossOrigin?: 'strip' | 'refuse';
  /**
   * Bytes of one response body read at most, after decompression.
   * @default 67108864 (64 MB)
   */
  maxResponseSize?: number;
  resources: Record<string, ResourceConfig>;
}

export interface ReportConfig {
  sql: string;
  description?: string;
}

export interface SiphonConfig {
  /**
   * The config's JSON Schema, for editors of a JSON config
   * (`./node_modules/siphon-sync/siphon.schema.json`); Siphon ignores it.
   */
  $schema?: string;
  /**
   * `sqlite:./siphon.db`, `sqlite::memory:` or `postgres://user@host:5432/db`;
   * the `SIPHON_DATABASE` environment variable overrides it.
   * @default 'sqlite:./siphon.db'
   */
  database?: string;
  /**
   * Time zone of cron schedules.
   * @default 'UTC'
   */
  timezone?: string;
  sources: Record<string, SourceConfig>;
  reports?: Record<string, ReportConfig>;
}

// ─── What the rest of Siphon uses ───────────────────────────────────────────

/** A column with the record field it is read from. */
export interface ResolvedColumn {
  /** JSON path in the record (`id`, `roi.times`). */
  readonly field: string;
  readonly name: string;
  /** `undefined`: typed from the values, like an inferred column (a `primaryKey` field the config does not type). */
  readonly type: ColumnType | undefined;
}

/** A `{parent.field}` placeholder of a child path. */
export interface ParentLink {
  /** The placeholder as written, `{posts.id}`. */
  readonly placeholder: string;
  /** Field of the parent record (and column of the parent table) it takes. */
  readonly parentField: string;
  readonly parentColumn: string;
  /** Column of the child table that records the parent value. */
  readonly column: string;
}

export interface ResolvedSource {
  readonly name: string;
  readonly baseUrl: string;
  readonly auth: AuthConfig | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly rateLimit: RateLimitOptions | undefined;
  readonly rateLimitedWhen: RateLimitedWhen | undefined;
  readonly retry: RetryOptions;
  readonly timeout: Duration | undefined;
  readonly crossOrigin: 'strip' | 'refuse';
  readonly maxResponseSize: number;
}

export interface ResolvedResource {
  /** `source.resource`. */
  readonly id: string;
  readonly source: ResolvedSource;
  readonly name: string;
  /** Absolute URL; may still hold `{parent.field}` placeholders. */
  readonly url: string;
  readonly params: QueryParams;
  readonly headers: Readonly<Record<string, string>>;
  readonly paginator: PaginatorConfig;
  readonly records: string | undefined;
  /** @default 'GET' */
  readonly method?: RequestMethod | undefined;
  readonly json?: JsonBody | undefined;
  readonly form?: FormBody | undefined;
  readonly graphql?: GraphqlRequest | undefined;
  readonly responseActions?: readonly ResponseAction[] | undefined;
  readonly filter?: FilterExpression | RecordPredicate | undefined;
  readonly map?: RecordMap | undefined;
  readonly exclude?: readonly string[] | undefined;
  readonly addFields?: Readonly<Record<string, AddedField>> | undefined;
  readonly includeFromParent?: readonly string[] | undefined;
  readonly concurrency: number;
  readonly maxPages: number | undefined;
  readonly write: WriteMode;
  /**
   * The table as the config declares it: typed columns only, and the whole
   * primary key (a key column typed from the data joins `columns` at run time).
   */
  readonly table: TableDef;
  /** Declared columns (parent and key columns included, typed or not). */
  readonly columns: readonly ResolvedColumn[];
  readonly undeclared: UndeclaredMode;
  /** Whether a run that got fewer records than the API announced fails. */
  readonly expectTotal: boolean;
  /** Record fields of the primary key (the table's key columns, in order). */
  readonly primaryKeyFields: readonly string[];
  readonly schedule: string | undefined;
  readonly timezone: string;
  readonly incremental: IncrementalConfig | undefined;
  readonly batchSize: number;
  /** The parent resource id and its placeholders, for child resources. */
  readonly parent: { readonly resource: string; readonly links: readonly ParentLink[] } | undefined;
}

export interface ResolvedConfig {
  readonly database: string;
  readonly timezone: string;
  readonly sources: Readonly<Record<string, ResolvedSource>>;
  /** Every resource, parents before their children. */
  readonly resources: readonly ResolvedResource[];
  readonly reports: Readonly<Record<string, ReportConfig>>;
  /** The file the config came from, when it came from one. */
  readonly file: string | undefined;
}
