import { LosslessNumber } from 'lossless-json';
import type { ParentLink, ResolvedResource } from '../config/types.js';
import { GraphqlError } from '../errors/graphql-error.js';
import { NetworkError } from '../errors/network-error.js';
import { SiphonError } from '../errors/siphon-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import type { HttpClient } from '../http/client.js';
import { graphqlBody, graphqlErrorsOf } from '../http/graphql.js';
import { bodyParams } from '../http/request-body.js';
import { responseActionMatchers } from '../http/response-actions.js';
import type { JsonResponse } from '../http/types.js';
import type { AutoPaginator } from '../pagination/auto.js';
import { paramLocationOf } from '../pagination/option-fields.js';
import { describeRecordsPath, selectRecords } from '../pagination/records.js';
import { createPaginator } from '../pagination/registry.js';
import type { Paginator } from '../pagination/types.js';
import { type ColumnType, formatColumnType } from '../store/column-type.js';
import type { ColumnInfo, Store, TableDef } from '../store/types.js';
import type { ClientPool } from '../sync/client-pool.js';
import { fillParentValues } from '../sync/parent-placeholders.js';
import { RecordMapper } from '../sync/record-mapper.js';
import { pathSegment } from '../sync/resource-batches.js';
import { singleFallbackHint } from '../sync/totals-check.js';
import { jsonPath } from '../util/json-path.js';
import { snakeCase } from '../util/snake-case.js';
import { buildPageRequest } from '../walk/build-url.js';

/** Where a column of the would-be table comes from. */
export type ColumnOrigin = 'declared' | 'inferred' | 'table' | 'parent';

/** One column of the table a run would write. */
export interface CheckedColumn {
  readonly name: string;
  /** The record field (a JSON path) that fills it; `undefined` for a column only the table has. */
  readonly field: string | undefined;
  /** Siphon's type (`bigint`, `decimal(20,2)`). */
  readonly type: string;
  /** The type the database declares for it (`numeric(20,2)` on PostgreSQL, `TEXT` for a decimal on SQLite). */
  readonly sqlType: string;
  /**
   * `declared` in the config, `inferred` from the sampled page, already in the
   * `table` from earlier runs, or the `parent` value a child row records.
   */
  readonly from: ColumnOrigin;
  readonly key: boolean;
  /** The table has it with a narrower type, which a run would widen first (`bigint`). */
  readonly widensFrom?: string | undefined;
}

/** What `siphon check` found for one resource. */
export interface ResourceCheck {
  readonly resource: string;
  readonly status: 'ok' | 'skipped' | 'failed';
  /** The first request, its URL with secrets masked. */
  readonly request?: { readonly url: string; readonly status?: number | undefined; readonly elapsedMs: number } | undefined;
  readonly paginator?: string | undefined;
  readonly records?: { readonly path: string; readonly detected: boolean; readonly count: number } | undefined;
  readonly table: { readonly name: string; readonly write: string; readonly primaryKey: readonly string[]; readonly exists: boolean };
  /** The columns it would create (or the table has), empty when the sample and the config settle none. */
  readonly columns: readonly CheckedColumn[];
  readonly warnings: readonly string[];
  /** Why it was skipped, or what failed; `hint` says what to look at. */
  readonly reason?: { readonly name: string; readonly message: string; readonly hint?: string | undefined } | undefined;
  /** The records of the first page, for the sample and for child resources. */
  readonly page?: readonly unknown[] | undefined;
  /** The table a run would write, `undefined` when not yet settled; reports are checked against it. */
  readonly tableDef: TableDef | undefined;
}

/**
 * Fetches the first page of one resource with one attempt (the pool's
 * clients do not retry) and describes what a run would make of it: the
 * paginator and records path, and the columns of its table. A child
 * resource takes its parent values from the parent's table or, when that is
 * empty, from the parent's sampled page, trying a few parent rows until one
 * has records.
 */
export async function checkResource(
  resource: ResolvedResource,
  parent: ResolvedResource | undefined,
  parentRecords: readonly unknown[] | undefined,
  store: Store,
  clients: ClientPool,
  sqlType: (type: ColumnType) => string,
): Promise<ResourceCheck> {
  const exists = await store.hasTable(resource.table.name);
  const existing = exists ? await store.tableColumns(resource.table.name) : [];
  const table = { name: resource.table.name, write: resource.write, primaryKey: resource.table.primaryKey, exists };
  const settled = (records: readonly unknown[], parentValues: Readonly<Record<string, unknown>> = {}) => {
    const mapper = new RecordMapper(resource, { existing, tableExists: exists });
    for (const record of records) mapper.map(record, parentValues);
    const { table: def } = mapper.needs();
    return { def, columns: describeColumns(resource, def, existing, records, sqlType), warnings: decimalWarnings(resource, records) };
  };

  const links = resource.parent?.links ?? [];
  const candidates = links.length === 0 ? [{}] : await parentRows(store, parent, parentRecords, links);
  if (candidates.length === 0) {
    const { def, columns } = settled([]);
    return {
      resource: resource.id,
      status: 'skipped',
      table,
      columns,
      warnings: [],
      tableDef: def,
      reason: {
        name: 'Skipped',
        message: `walks once per row of ${resource.parent?.resource}, whose table is empty and whose first page gave no ${links.map((link) => link.parentField).join(', ')}`,
        hint: `run ${resource.parent?.resource} first`,
      },
    };
  }

  const client = clients.get(resource.source);
  let attempt: PageAttempt | undefined;
  // A child's first parent may have nothing (a post without comments): a few more show its columns.
  for (const values of candidates) {
    let url = resource.url;
    const parentValues: Record<string, unknown> = {};
    for (const link of links) {
      parentValues[link.column] = values[link.parentColumn];
      // As the run builds it: one encoded segment, `.` and `..` refused.
      if (url.includes(link.placeholder))
        url = url.replaceAll(link.placeholder, pathSegment(resource, link.placeholder, String(values[link.parentColumn])));
    }
    attempt = await firstPage(resource, client, url, parentValues, values);
    if (attempt.error !== undefined || attempt.records.length > 0) break;
  }
  const { requestUrl, elapsedMs, error } = attempt as PageAttempt;
  if (error !== undefined) {
    const { def, columns } = settled([]);
    const unreachable = error instanceof NetworkError || error instanceof TimeoutError;
    return {
      resource: resource.id,
      status: 'failed',
      request: { url: client.redact(requestUrl), status: error instanceof SiphonError ? error.response?.status : undefined, elapsedMs },
      table,
      columns,
      warnings: [],
      tableDef: def,
      reason: {
        name: error instanceof Error ? error.name : 'Error',
        message: error instanceof Error ? error.message : String(error),
        hint: unreachable
          ? `is baseUrl right? sources.${resource.source.name}.baseUrl is ${client.redact(resource.source.baseUrl)}`
          : undefined,
      },
    };
  }
  const { records, response, paginator, parentValues } = attempt as PageAttempt & { response: JsonResponse };
  const { def, columns, warnings } = settled(records, parentValues);
  // The run would fetch this page only and then fail short of the announced total: say so now.
  const unfollowed = resource.expectTotal && paginator.type === 'auto' ? (paginator as AutoPaginator).unfollowed() : undefined;
  return {
    resource: resource.id,
    status: unfollowed === undefined ? 'ok' : 'failed',
    ...(unfollowed === undefined
      ? {}
      : {
          reason: {
            name: 'IncompleteSyncError',
            message: `a run would fetch only this page and fail: ${unfollowed}`,
            hint: singleFallbackHint(resource),
          },
        }),
    request: { url: client.redact(requestUrl), status: response.status, elapsedMs },
    paginator: paginator.describe(),
    records: {
      path: resource.records ?? describeRecordsPath(response.body) ?? '(none found)',
      detected: resource.records === undefined,
      count: records.length,
    },
    table,
    columns,
    warnings,
    page: records,
    tableDef: def,
  };
}

/**
 * The table a run would start from before its first page, as `siphon check
 * --offline` shows it: the declared columns, the parent's and the key's,
 * typed as declared; the rest come from the data.
 */
export function declaredTable(
  resource: ResolvedResource,
  sqlType: (type: ColumnType) => string,
): { def: TableDef | undefined; columns: CheckedColumn[] } {
  const { table: def } = new RecordMapper(resource, { existing: [], tableExists: false }).needs();
  return { def, columns: describeColumns(resource, def, [], [], sqlType) };
}

/** Parent rows a child check may walk under, at most this many. */
const PARENT_ROWS_TRIED = 5;

interface PageAttempt {
  readonly requestUrl: URL;
  readonly elapsedMs: number;
  readonly error?: unknown;
  readonly response?: JsonResponse | undefined;
  readonly records: readonly unknown[];
  readonly paginator: Paginator;
  readonly parentValues: Readonly<Record<string, unknown>>;
}

/** The first page of `url`, one attempt; the paginator has seen it (so it can say what it detected). */
async function firstPage(
  resource: ResolvedResource,
  client: HttpClient,
  url: string,
  parentValues: Readonly<Record<string, unknown>>,
  parentRow: Readonly<Record<string, unknown>> = {},
): Promise<PageAttempt> {
  // As the run sends them: `{parent.field}` in the params and the body filled from the parent row.
  const links = resource.parent?.links ?? [];
  const params = fillParentValues(resource.params, links, parentRow);
  const parts = resource.graphql
    ? { json: graphqlBody({ ...resource.graphql, variables: fillParentValues(resource.graphql.variables, links, parentRow) }) }
    : { json: fillParentValues(resource.json, links, parentRow), form: fillParentValues(resource.form, links, parentRow) };
  const inBody = paramLocationOf(resource.paginator) === 'body';
  const paginator = createPaginator(resource.paginator, { params: inBody ? bodyParams(parts) : params });
  const step = paginator.start();
  const { url: requestUrl, body } = buildPageRequest(url, params, parts, inBody, step.patch);
  const started = performance.now();
  try {
    const response = await client.getJson(requestUrl, {
      method: resource.method,
      body,
      responseActions: responseActionMatchers(resource.responseActions),
      headers: { ...resource.headers, ...step.patch.headers },
    });
    const elapsedMs = Math.round(performance.now() - started);
    const errors = resource.graphql ? graphqlErrorsOf(response.body) : undefined;
    if (errors !== undefined)
      throw new GraphqlError(
        `${resource.method ?? 'POST'} ${client.redact(response.url)} (HTTP ${response.status})`,
        errors.map((entry) => ({ ...entry, message: client.secrets.mask(entry.message) })),
      );
    const records = selectRecords(response.body, resource.records);
    paginator.next({
      index: 0,
      step,
      requestUrl: requestUrl.toString(),
      response: { status: response.status, url: response.url, headers: response.headers, body: response.body },
      records,
    });
    return { requestUrl, elapsedMs, response, records, paginator, parentValues };
  } catch (error) {
    return { requestUrl, elapsedMs: Math.round(performance.now() - started), error, records: [], paginator, parentValues };
  }
}

/** The table's columns in table order, each with where it comes from. */
function describeColumns(
  resource: ResolvedResource,
  def: TableDef | undefined,
  existing: readonly ColumnInfo[],
  records: readonly unknown[],
  sqlType: (type: ColumnType) => string,
): CheckedColumn[] {
  const declared = new Map(resource.columns.filter((column) => column.type !== undefined).map((column) => [column.name, column]));
  // Inferred columns are named in snake_case after their field (`userId` → `user_id`); the sample says which field.
  const fields = new Map<string, string>();
  for (const record of records) {
    if (record === null || typeof record !== 'object' || Array.isArray(record)) continue;
    for (const field of Object.keys(record)) if (!fields.has(snakeCase(field))) fields.set(snakeCase(field), field);
  }
  for (const column of resource.columns) fields.set(column.name, column.field);
  const before = new Map(existing.map((column) => [column.name, column.type]));
  const keys = new Set(resource.table.primaryKey);
  const linked = new Set(resource.parent?.links.map((link) => link.column) ?? []);
  return (def?.columns ?? resource.table.columns).map((column): CheckedColumn => {
    const was = before.get(column.name);
    const from: ColumnOrigin = linked.has(column.name)
      ? 'parent'
      : declared.has(column.name)
        ? 'declared'
        : was !== undefined
          ? 'table'
          : 'inferred';
    const widens = was !== undefined && !sameType(was, column.type) ? formatColumnType(was) : undefined;
    return {
      name: column.name,
      field: fields.get(column.name),
      type: formatColumnType(column.type),
      sqlType: sqlType(column.type),
      from,
      key: keys.has(column.name),
      widensFrom: widens,
    };
  });
}

function sameType(a: ColumnType, b: ColumnType): boolean {
  return formatColumnType(a) === formatColumnType(b);
}

/** A declared `decimal(p,s)` that would round away digits the sample has. */
function decimalWarnings(resource: ResolvedResource, records: readonly unknown[]): string[] {
  const warnings: string[] = [];
  for (const column of resource.columns) {
    const type = column.type;
    if (type?.kind !== 'decimal' || type.precision === 0) continue;
    const path = jsonPath(column.field);
    let widest: { digits: number; value: string } | undefined;
    for (const record of records) {
      const text = numberText(path.get(record));
      const digits = text === undefined ? 0 : (/\.(\d+)$/.exec(text)?.[1]?.length ?? 0);
      if (text !== undefined && digits > type.scale && digits > (widest?.digits ?? 0)) widest = { digits, value: text };
    }
    if (widest) {
      warnings.push(
        `column ${column.name} is declared ${formatColumnType(type)}, which rounds ${widest.value} to ${type.scale} decimal places; ` +
          `the sample has up to ${widest.digits} (declare decimal(${Math.max(type.precision, type.precision - type.scale + widest.digits)},${widest.digits}) or decimal to keep them)`,
      );
    }
  }
  return warnings;
}

function numberText(value: unknown): string | undefined {
  if (value instanceof LosslessNumber) return value.value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) return value.trim();
  return undefined;
}

/**
 * Up to {@link PARENT_ROWS_TRIED} parent rows with a value for every link, by
 * parent column: from the parent's table, or from its sampled page when the
 * table is empty or missing.
 */
async function parentRows(
  store: Store,
  parent: ResolvedResource | undefined,
  sample: readonly unknown[] | undefined,
  links: readonly ParentLink[],
): Promise<Record<string, unknown>[]> {
  const complete = (row: Record<string, unknown>): boolean =>
    links.every((link) => row[link.parentColumn] !== null && row[link.parentColumn] !== undefined);
  const rows: Record<string, unknown>[] = [];
  if (parent && (await store.hasTable(parent.table.name))) {
    const columns = [...new Set(links.map((link) => link.parentColumn))];
    const { rows: stored } = await store.readTable(parent.table.name, { columns, batchSize: PARENT_ROWS_TRIED });
    for await (const row of stored) {
      if (complete(row)) rows.push(row);
      if (rows.length === PARENT_ROWS_TRIED) break;
    }
  }
  if (rows.length > 0) return rows;
  for (const record of sample ?? []) {
    const row = Object.fromEntries(links.map((link) => [link.parentColumn, jsonPath(link.parentField).get(record)]));
    if (complete(row)) rows.push(row);
    if (rows.length === PARENT_ROWS_TRIED) break;
  }
  return rows;
}
