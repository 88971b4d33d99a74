import * as z from 'zod';
import { authConfigSchema } from '../http/auth/registry.js';
import { clientOptionFields } from '../http/client-options.js';
import { graphqlRequestSchema } from '../http/graphql.js';
import { rateLimitOptionsSchema } from '../http/rate-budget/rate-limit-options.js';
import { jsonBodySchema, requestMethodSchema } from '../http/request-body.js';
import { headersSchema, queryParamsSchema } from '../http/request-fields.js';
import { responseActionsSchema } from '../http/response-actions.js';
import { checkRetryBounds, retryOptionsShape } from '../http/retry-policy.js';
import { recordsPathSchema } from '../pagination/records.js';
import { paginatorConfigSchema } from '../pagination/registry.js';
import { parseColumnType } from '../store/column-type.js';
import { expected } from '../util/describe-value.js';
import { checkedString, duration, expecting, jsonPathString, oneOf, positiveInteger, scalar, thrown } from '../util/option-fields.js';
import { strictOptions } from '../util/strict-options.js';
import { isTimeZone, scheduleProblem } from './check-schedule.js';
import { identifierProblem } from './identifier.js';
import { addedFieldSchema } from './record-fields.js';
import { recordFilterSchema } from './record-filter.js';
import type { RecordMap, ReportConfig, ResourceConfig, SiphonConfig, SourceConfig } from './types.js';

/*
 * The shape of a config, strict everywhere: an unknown key is an error (with
 * a "did you mean" hint, see util/strict-options.ts), never silently ignored.
 * Paginator and auth options are checked by each strategy's and each auth
 * kind's own schema. Checks that
 * need more than one value (a merge needs a primary key, a parent must
 * exist, an offset paginator needs a limit here or in the params) live in
 * resolve.ts.
 */

// ─── Scalars ────────────────────────────────────────────────────────────────

const timeZone = checkedString('an IANA time zone such as "Europe/Paris" or "UTC"', (v) =>
  isTimeZone(v) ? undefined : `unknown time zone "${v}"; expected an IANA name such as "Europe/Paris", "America/New_York" or "UTC"`,
);
const schedule = checkedString('a 5- or 6-field cron expression such as "*/5 * * * *"', (v) => scheduleProblem(v));
const columnType = checkedString('a column type such as text, bigint or decimal(20,2)', (v) => thrown(() => parseColumnType(v)));
const tableName = checkedString('a table name', (v) => identifierProblem(v, 'table'));
const columnName = checkedString('a column name', (v) => identifierProblem(v, 'column'));

const baseUrl = checkedString('an absolute http(s) URL such as "https://api.example.com/v1"', (v) => {
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    return 'must be an absolute http(s) URL such as "https://api.example.com/v1"';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `must be an http or https URL, got ${url.protocol}`;
  // The resource path is appended to it: a query or fragment would end up in the middle.
  if (url.search !== '' || url.hash !== '') return 'must not contain a query or fragment; put query parameters in params';
  return undefined;
});

const resourcePath = checkedString('a path such as "/posts"', (v) => {
  if (!v.startsWith('/')) return `must start with "/" (it is appended to the source's baseUrl), got ${JSON.stringify(v)}`;
  if (/[?#]/.test(v)) return 'must not contain a query or fragment; put query parameters in params';
  return undefined;
});

// ─── Composites ─────────────────────────────────────────────────────────────

const column = z.union([columnType, strictOptions({ name: columnName.optional(), path: jsonPathString.optional(), type: columnType })], {
  error: (issue) => expected('a column type or { name, path, type }', issue.input),
});

const primaryKey = z.union(
  [checkedString('a record field'), z.array(checkedString('a record field')).min(1, 'must list at least one field')],
  {
    error: (issue) => expected('a record field or a list of them', issue.input),
  },
);

const incremental = strictOptions({
  cursorField: jsonPathString,
  param: checkedString('a query parameter name'),
  initial: z.union([z.string(), z.number()], { error: (issue) => expected('a string or a number', issue.input) }).optional(),
  end: checkedString('an ISO-8601 instant', (v) => (Number.isNaN(Date.parse(v)) ? 'expected an ISO-8601 instant' : undefined)).optional(),
  endParam: checkedString('a query parameter name').optional(),
  lookback: duration(true).optional(),
  window: duration().optional(),
  order: oneOf(['asc', 'desc', 'unordered']).optional(),
});

// The client's retry options, and `backoff`, which only names the one strategy there is.
const retry = strictOptions({ ...retryOptionsShape, backoff: oneOf(['exponential']).optional() }).superRefine(checkRetryBounds);

const endpointShape = {
  params: queryParamsSchema.optional(),
  headers: headersSchema.optional(),
  paginator: paginatorConfigSchema.optional(),
  records: recordsPathSchema.optional(),
  // Pages in flight; for a child resource, parents walked at once (types.ts).
  concurrency: positiveInteger.optional(),
  maxPages: positiveInteger.optional(),
  timezone: timeZone.optional(),
  responseActions: responseActionsSchema.optional(),
};

const fieldList = z.array(checkedString('a record field'), expecting('a list of record fields'));

// A function cannot be written in YAML or JSON: for an editor the key holds nothing valid.
const recordMap = scalar<RecordMap>('a function of the record (siphon.config.ts only)', (v) => typeof v === 'function', { not: {} });

function nonEmptyRecord<T extends z.ZodType>(value: T, what: string) {
  return z.record(z.string(), value).refine((record) => Object.keys(record).length > 0, `must define at least one ${what}`);
}

export const resourceSchema = strictOptions({
  ...endpointShape,
  path: resourcePath,
  primaryKey: primaryKey.optional(),
  table: tableName.optional(),
  write: oneOf(['replace', 'merge', 'append']).optional(),
  schedule: schedule.optional(),
  columns: z.record(z.string(), column).optional(),
  undeclared: oneOf(['infer', 'evolve', 'json', 'ignore', 'freeze']).optional(),
  expectTotal: z.boolean(expecting('true or false')).optional(),
  incremental: incremental.optional(),
  batchSize: positiveInteger.optional(),
  method: requestMethodSchema.optional(),
  json: jsonBodySchema.optional(),
  form: queryParamsSchema.optional(),
  graphql: graphqlRequestSchema.optional(),
  filter: recordFilterSchema.optional(),
  map: recordMap.optional(),
  exclude: fieldList.optional(),
  addFields: z.record(z.string(), addedFieldSchema).optional(),
  includeFromParent: fieldList.optional(),
});

const sourceShape = {
  ...endpointShape,
  baseUrl,
  auth: authConfigSchema.optional(),
  rateLimit: rateLimitOptionsSchema.optional(),
  rateLimitedWhen: clientOptionFields.rateLimitedWhen.optional(),
  retry: retry.optional(),
  timeout: clientOptionFields.timeout.optional(),
  crossOrigin: clientOptionFields.crossOrigin.optional(),
  maxResponseSize: clientOptionFields.maxResponseSize.optional(),
};

export const sourceSchema = strictOptions({ ...sourceShape, resources: nonEmptyRecord(resourceSchema, 'resource') });

export const reportSchema = strictOptions({ sql: checkedString('an SQL query'), description: z.string().optional() });

const topShape = {
  // What a JSON config names for editors (YAML uses a comment instead).
  $schema: checkedString('the path or URL of siphon.schema.json').optional(),
  database: checkedString('a database URL such as "sqlite:./siphon.db" or "postgres://user@host:5432/db"').optional(),
  timezone: timeZone.optional(),
  reports: z.record(z.string(), reportSchema).optional(),
};

/** The whole config file. */
export const siphonConfigSchema = strictOptions({ ...topShape, sources: nonEmptyRecord(sourceSchema, 'source') });

/*
 * The same levels with their children left unchecked: validating level by
 * level lets one bad resource be reported without hiding the problems of its
 * neighbours (a failed zod parse yields no partial data).
 */
export const sourceShellSchema = strictOptions({ ...sourceShape, resources: nonEmptyRecord(z.unknown(), 'resource') });
export const configShellSchema = strictOptions({ ...topShape, sources: nonEmptyRecord(z.unknown(), 'source') });

export type SourceShell = Omit<SourceConfig, 'resources'>;
export type ConfigShell = Omit<SiphonConfig, 'sources'>;

// The schemas must produce exactly what types.ts promises.
siphonConfigSchema satisfies z.ZodType<SiphonConfig>;
sourceSchema satisfies z.ZodType<SourceConfig>;
resourceSchema satisfies z.ZodType<ResourceConfig>;
reportSchema satisfies z.ZodType<ReportConfig>;
sourceShellSchema satisfies z.ZodType<SourceShell>;
configShellSchema satisfies z.ZodType<ConfigShell>;
