import type { ResolvedResource } from '../config/types.js';
import { ConfigError } from '../errors/config-error.js';
import { ParentValueError } from '../errors/parent-value-error.js';
import { RecordError } from '../errors/record-error.js';
import type { HttpClient } from '../http/client.js';
import type { ClientEvent } from '../http/client-options.js';
import type { QueryParams } from '../http/types.js';
import { addTally, NO_TALLY, type RunTally } from '../store/run-tally.js';
import type { Row, Store } from '../store/types.js';
import { describeValue } from '../util/describe-value.js';
import type { JsonValue } from '../util/json.js';
import { jsonPath } from '../util/json-path.js';
import { snakeCase } from '../util/snake-case.js';
import { paginate } from '../walk/paginate.js';
import type { Page } from '../walk/paginate-options.js';
import { maxCursor, type SyncCheckpoint } from './checkpoint.js';
import { isOlder, windowEnd, windowLeft } from './incremental-range.js';
import { fillParentValues } from './parent-placeholders.js';
import type { RecordMapper } from './record-mapper.js';
import { type RecordProcessor, recordProcessor } from './record-processor.js';
import { WalkCount } from './walk-count.js';

/** Where rows from `start` on (up to the next origin's start) came from. */
export interface RowOrigin {
  readonly start: number;
  /** 0-based index of the page in its walk. */
  readonly page: number;
  /** The page's URL, redacted. */
  readonly url: string;
}

/** Rows ready to commit with the checkpoint that follows them. */
export interface Batch {
  readonly rows: Row[];
  /** The pages the rows came from, in row order. */
  readonly origins: RowOrigin[];
  readonly checkpoint: SyncCheckpoint;
  /** What fetching these rows took. */
  readonly tally: RunTally;
  readonly total: number | undefined;
  /** A fan-out child's walk: parent rows whose walks are committed, of how many. */
  readonly parents?: ParentProgress | undefined;
}

/** A fan-out child's walk: parent rows done, of how many. */
export interface ParentProgress {
  readonly done: number;
  readonly total: number;
}

export interface BatchSource {
  readonly resource: ResolvedResource;
  readonly parentResource: ResolvedResource | undefined;
  readonly store: Store;
  readonly client: HttpClient;
  readonly mapper: RecordMapper;
  /** Where an earlier attempt stopped, if anywhere. */
  readonly checkpoint: SyncCheckpoint | undefined;
  /** Incremental: where this run's range starts (the mark minus `lookback`, or `initial`). */
  readonly since: string | null;
  /** Incremental windows: where this run's range ends; `null` when the resource sends no end. */
  readonly until?: string | null | undefined;
  /** Incremental windows: each window as its walk starts. */
  readonly onWindow?: ((window: { readonly start: string | null; readonly end: string }) => void) | undefined;
  readonly signal: AbortSignal;
  readonly onDetected: (description: string) => void;
  /** Each page as it arrives, before its batch commits. */
  readonly onPage?: ((page: Page, parents?: ParentProgress) => void) | undefined;
  /** What earlier attempts of the run committed, counted into the walk's total. */
  readonly earlier: { readonly pages: number; readonly records: number };
  /** Each walk's count when it has ended (the resource's walk, or each child walk). */
  readonly onWalkEnd: (count: WalkCount) => void;
  /** Each request's events (retries, waits, warnings), of this run's walks only. */
  readonly onRequest?: ((event: ClientEvent) => void) | undefined;
  /** The run, for `addFields` placeholders (`{run.id}`, `{run.startedAt}`). */
  readonly run?: { readonly id: number; readonly startedAt: string } | undefined;
}

/**
 * The rows of one run, in commit-sized batches that end on page boundaries,
 * each with the checkpoint that resumes right after it.
 */
export function resourceBatches(source: BatchSource): AsyncGenerator<Batch> {
  return source.resource.parent ? fanOutBatches(source) : walkBatches(source);
}

function requestParams(source: BatchSource, window?: { readonly start: string | null; readonly end: string }): QueryParams {
  const { resource } = source;
  const incremental = resource.incremental;
  const since = window ? window.start : source.since;
  if (!incremental) return resource.params;
  const params = { ...resource.params };
  if (since !== null) params[incremental.param] = since;
  if (window && incremental.endParam !== undefined) params[incremental.endParam] = window.end;
  return params;
}

/** The request every page of the resource sends besides the paginator's part. */
function requestOptions(resource: ResolvedResource) {
  const { method, json, form, graphql, responseActions } = resource;
  return { method, json, form, graphql, responseActions };
}

function processorOf(source: BatchSource): RecordProcessor | undefined {
  const { resource } = source;
  const run = source.run ?? { id: 0, startedAt: new Date().toISOString() };
  return recordProcessor(resource, { run, source: { name: resource.source.name }, resource: { name: resource.name } });
}

/**
 * The row of a record, or `undefined` when processing drops it; a dropped
 * record still counts towards the walk's announced total, by its key.
 */
function toRow(
  source: BatchSource,
  process: RecordProcessor | undefined,
  count: WalkCount,
  record: unknown,
  place: { readonly pageIndex: number; readonly page: Page; readonly position: number },
  parentValues?: Readonly<Record<string, unknown>>,
): Row | undefined {
  const kept = process === undefined ? record : process(record, () => placeText(place.pageIndex, place.position, place.page.response.url));
  if (kept === undefined) {
    const { resource } = source;
    const key: Row = {};
    for (const [i, field] of resource.primaryKeyFields.entries()) key[resource.table.primaryKey[i] as string] = jsonPath(field).get(record);
    count.row(key);
    return undefined;
  }
  const row = source.mapper.map(checkRecord(source, kept, place.pageIndex, place.page, place.position), parentValues);
  count.row(row);
  return row;
}

function pageTally(page: Page): RunTally {
  return { pages: 1, records: page.records.length, retries: page.attempts - 1, waitedMs: page.waitedMs };
}

function cursorOf(source: BatchSource): (record: unknown) => string | null {
  const field = source.resource.incremental?.cursorField;
  if (!field) return () => null;
  const path = jsonPath(field);
  return (record) => {
    const value = path.get(record);
    return value === null || value === undefined ? null : String(value);
  };
}

async function* walkBatches(source: BatchSource): AsyncGenerator<Batch> {
  const { resource, checkpoint } = source;
  const cursor = cursorOf(source);
  const until = source.until ?? null;
  let highest = checkpoint?.maxCursor ?? null;
  let rows: Row[] = [];
  let origins: RowOrigin[] = [];
  let tally = NO_TALLY;
  let total: number | undefined;
  let next: SyncCheckpoint['page'] = checkpoint?.page ?? null;
  // Incremental windows: each is a walk of its own, committed when it ends.
  let windowStart = until === null ? null : (checkpoint?.windowStart ?? source.since);
  let resume = checkpoint?.page ?? undefined;
  let pagesBefore = source.earlier.pages;
  const process = processorOf(source);
  const newCount = (earlier: { pages: number; records: number }, announced?: SyncCheckpoint) =>
    new WalkCount(resource.table.primaryKey, { ...earlier, total: announced?.total, totalPages: announced?.totalPages });
  let count = newCount(source.earlier, checkpoint);
  const batch = (done: boolean): Batch => {
    const announced = { total: count.total ?? null, totalPages: count.totalPages ?? null };
    const windowed = until === null ? {} : { until, windowStart };
    const checkpointed = { page: next, done, since: source.since, maxCursor: highest, ...windowed, ...announced };
    const out: Batch = { rows, origins, checkpoint: checkpointed, tally, total };
    rows = [];
    origins = [];
    tally = NO_TALLY;
    return out;
  };
  const desc = resource.incremental?.order === 'desc';
  for (;;) {
    const window = until === null ? undefined : { start: windowStart, end: windowEnd(resource, windowStart, until) };
    // Nothing left to ask (the mark minus lookback is already past the end).
    if (window && !windowLeft(resource, window.start, window.end)) break;
    if (window) source.onWindow?.(window);
    // A desc-ordered API is read until its records are older than where the walk starts.
    const from = window ? window.start : source.since;
    let walked = 0;
    let stoppedEarly = false;
    for await (const page of paginate({
      url: resource.url,
      ...requestOptions(resource),
      params: requestParams(source, window),
      headers: resource.headers,
      paginator: resource.paginator,
      records: resource.records,
      concurrency: resource.concurrency,
      maxPages: resource.maxPages,
      resume,
      client: source.client,
      signal: source.signal,
      onEvent: (event) => {
        if (event.type === 'detected') source.onDetected(event.description);
        else source.onRequest?.(event);
      },
    })) {
      count.page(page);
      // Pages count from the run's first, also when this attempt resumed it.
      const pageIndex = pagesBefore + page.index;
      walked += 1;
      origins.push({ start: rows.length, page: pageIndex, url: page.response.url });
      let older = false;
      const { records } = page;
      for (let position = 0; position < records.length; position += 1) {
        const record = records[position];
        const value = cursor(record);
        if (desc && from !== null && value !== null && isOlder(value, from)) {
          older = true;
          break;
        }
        const row = toRow(source, process, count, record, { pageIndex, page, position });
        if (row !== undefined) rows.push(row);
        // The mark follows what the API sent: a filtered record was still seen.
        highest = maxCursor(highest, value);
      }
      tally = addTally(tally, pageTally(page));
      source.onPage?.(page);
      total = page.total ?? total;
      next = page.token;
      if (older) {
        next = null;
        stoppedEarly = true;
        break;
      }
      if (rows.length >= resource.batchSize) yield batch(false);
    }
    // A total the API announced counts records this walk chose not to read.
    if (!stoppedEarly) source.onWalkEnd(count);
    if (!window || window.end === until) break;
    // The window is done: the next one starts from its first page, and this point commits.
    windowStart = window.end;
    next = null;
    resume = undefined;
    pagesBefore += walked;
    yield batch(false);
    count = newCount({ pages: 0, records: 0 });
  }
  yield batch(true);
}

interface ChildResult {
  readonly rows: Row[];
  readonly origins: RowOrigin[];
  readonly tally: RunTally;
  readonly highest: string | null;
}

/**
 * One walk per parent row, `concurrency` at a time, committed in parent
 * order so the checkpoint ("every parent before index i is done") stays a
 * prefix. A parent's rows are buffered until its walk ends, so a resumed run
 * redoes at most the walks that were in flight, and never commits half of one.
 */
async function* fanOutBatches(source: BatchSource): AsyncGenerator<Batch> {
  const { resource, parentResource, store, checkpoint } = source;
  const links = resource.parent?.links ?? [];
  if (!parentResource) throw new ConfigError('', `${resource.id}: parent resource ${resource.parent?.resource} is not configured`);
  const keyColumns = parentResource.table.primaryKey;
  const included = (resource.includeFromParent ?? []).map((field) => ({
    field,
    column: parentResource.columns.find((column) => column.field === field)?.name ?? snakeCase(field),
    as: `${parentResource.name}_${field}`,
  }));
  const columns = [...new Set([...keyColumns, ...links.map((link) => link.parentColumn), ...included.map((item) => item.column)])];
  // Parent keys are read up front: a store connection busy streaming them
  // could not take the child batches' writes (SQLite has one writer).
  const parentRows: Row[] = [];
  if (await store.hasTable(parentResource.table.name)) {
    for await (const row of (await store.readTable(parentResource.table.name, { columns })).rows) parentRows.push(row);
  }
  const cursor = cursorOf(source);
  const process = processorOf(source);
  const width = Math.max(1, resource.concurrency);
  const start = checkpoint?.parent?.index ?? 0;
  const inFlight: { index: number; key: JsonValue[]; result: Promise<ChildResult> }[] = [];
  let highest = checkpoint?.maxCursor ?? null;
  let pending: { rows: Row[]; origins: RowOrigin[]; tally: RunTally } = { rows: [], origins: [], tally: NO_TALLY };
  let index = -1;
  // Walks end out of order; how many have is what a progress display can say before their batch commits.
  let walked = start;

  const walkParent = async (parentRow: Row): Promise<ChildResult> => {
    let url = resource.url;
    const parentValues: Record<string, unknown> = {};
    for (const link of links) {
      const value = parentRow[link.parentColumn];
      if (url.includes(link.placeholder)) url = url.replaceAll(link.placeholder, pathSegment(resource, link.placeholder, String(value)));
      parentValues[link.column] = value;
    }
    const label = links.map((link) => `${link.column} ${String(parentValues[link.column])}`).join(', ');
    const fromParent = included.length === 0 ? undefined : Object.fromEntries(included.map((item) => [item.as, parentRow[item.column]]));
    const count = new WalkCount(resource.table.primaryKey, undefined, label);
    const rows: Row[] = [];
    const origins: RowOrigin[] = [];
    let tally = NO_TALLY;
    let childHighest: string | null = null;
    for await (const page of paginate({
      url,
      // `{parent.field}` may also sit in the params and the body.
      ...requestOptions(resource),
      json: fillParentValues(resource.json, links, parentRow),
      graphql: resource.graphql && { ...resource.graphql, variables: fillParentValues(resource.graphql.variables, links, parentRow) },
      form: fillParentValues(resource.form, links, parentRow),
      params: fillParentValues(requestParams(source), links, parentRow),
      headers: resource.headers,
      paginator: resource.paginator,
      records: resource.records,
      maxPages: resource.maxPages,
      client: source.client,
      signal: source.signal,
      onEvent: (event) => {
        if (event.type !== 'detected') source.onRequest?.(event);
      },
    })) {
      count.page(page);
      origins.push({ start: rows.length, page: page.index, url: page.response.url });
      for (const [position, record] of page.records.entries()) {
        const withParent = fromParent !== undefined && isObject(record) ? { ...record, ...fromParent } : record;
        const row = toRow(source, process, count, withParent, { pageIndex: page.index, page, position }, parentValues);
        if (row !== undefined) rows.push(row);
        childHighest = maxCursor(childHighest, cursor(record));
      }
      tally = addTally(tally, pageTally(page));
      source.onPage?.(page, { done: walked, total: parentRows.length });
    }
    source.onWalkEnd(count);
    walked += 1;
    return { rows, origins, tally, highest: childHighest };
  };

  const settle = async function* (final: boolean): AsyncGenerator<Batch> {
    const head = inFlight.shift();
    if (!head) return;
    const done = await head.result;
    const offset = pending.rows.length;
    for (const origin of done.origins) pending.origins.push({ ...origin, start: origin.start + offset });
    pending.rows.push(...done.rows);
    pending.tally = addTally(pending.tally, done.tally);
    highest = maxCursor(highest, done.highest);
    if (pending.rows.length >= resource.batchSize || (final && inFlight.length === 0)) {
      yield {
        ...pending,
        checkpoint: { page: null, done: false, parent: { index: head.index + 1, key: head.key }, since: source.since, maxCursor: highest },
        total: undefined,
        parents: { done: head.index + 1, total: parentRows.length },
      };
      pending = { rows: [], origins: [], tally: NO_TALLY };
    }
  };

  try {
    for (const parentRow of parentRows) {
      index += 1;
      if (index < start) continue;
      const key = keyColumns.map((column) => toJson(parentRow[column]));
      const result = walkParent(parentRow);
      result.catch(() => undefined);
      inFlight.push({ index, key, result });
      if (inFlight.length >= width) yield* settle(false);
    }
    while (inFlight.length > 0) yield* settle(true);
  } finally {
    // Walks still in flight after a failure end with the run's abort signal.
    for (const item of inFlight) item.result.catch(() => undefined);
  }
  yield {
    ...pending,
    checkpoint: { page: null, done: true, parent: { index: index + 1, key: [] }, since: source.since, maxCursor: highest },
    total: undefined,
    parents: { done: parentRows.length, total: parentRows.length },
  };
}

/** `record 3 of page 2 (http://…)`: where the row at `row` of a batch came from. */
export function recordPlace(origins: readonly RowOrigin[], row: number): string | undefined {
  let origin: RowOrigin | undefined;
  for (const candidate of origins) {
    if (candidate.start > row) break;
    origin = candidate;
  }
  return origin && placeText(origin.page, row - origin.start, origin.url);
}

function placeText(page: number, position: number, url: string): string {
  return `record ${position + 1} of page ${page + 1} (${url})`;
}

const wholeRecordReaders = new WeakMap<ResolvedResource, boolean>();

/**
 * The record, when it can become a row: an object, or anything when a
 * declared column reads the whole record (`path: $`). A scalar, null or list
 * would otherwise become a row of NULLs.
 */
function checkRecord(source: BatchSource, record: unknown, pageIndex: number, page: Page, position: number): unknown {
  if (record !== null && typeof record === 'object' && !Array.isArray(record)) return record;
  const { resource } = source;
  let whole = wholeRecordReaders.get(resource);
  if (whole === undefined) {
    whole = resource.columns.some((column) => jsonPath(column.field).segments.length === 0);
    wholeRecordReaders.set(resource, whole);
  }
  if (whole) return record;
  throw new RecordError(
    resource.table.name,
    describeValue(record),
    placeText(pageIndex, position, page.response.url),
    `not an object: a row is made of a record's fields (if the records are inside it, point records: at them)`,
  );
}

/**
 * A parent value as one path segment: percent-encoded (`/`, `?`, `#`, `%`
 * and spaces included), so it can never change the path around it. `.` and
 * `..` have no encoding URLs keep (`%2E%2E` resolves like `..`): refused.
 */
export function pathSegment(resource: ResolvedResource, placeholder: string, value: string): string {
  if (value === '.' || value === '..') throw new ParentValueError(resource.id, placeholder, value);
  return encodeURIComponent(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function toJson(value: unknown): JsonValue {
  if (typeof value === 'bigint') return value.toString();
  if (value === undefined) return null;
  return value as JsonValue;
}
