import { PaginationError } from '../errors/pagination-error.js';
import type { QueryParams } from '../http/types.js';
import { describeValue } from '../util/describe-value.js';
import { jsonPath } from '../util/json-path.js';
import { scalarText } from '../util/scalar-text.js';
import type { OptionShape } from '../util/strict-options.js';
import { parseCount, positiveParam } from './counts.js';
import { parseLinkHeader } from './link-header.js';
import { stopOptionsShape, strategyOptions } from './option-fields.js';
import { PAGE_SIZE_PARAMS } from './page-number.js';
import { isStrategyName, type Strategy, type StrategyName, strategies } from './strategies.js';
import type { PageContext, PageStep, PageToken, Paginator, PaginatorInit, StopOptions } from './types.js';

export interface AutoOptions extends StopOptions {
  type?: 'auto';
}

export interface AutoConfig extends AutoOptions {
  type: 'auto';
}

/** The options of {@link auto}: the stop conditions, handed to the strategy it detects. */
export const autoOptionsSchema = strategyOptions('auto', { ...stopOptionsShape } satisfies OptionShape<Omit<AutoOptions, 'type'>>);

/** A paginator that tells which strategy it settled on. */
export interface AutoPaginator extends Paginator {
  /** The detected strategy (`'cursor'`, …), or `undefined` before the first page. */
  detected(): string | undefined;
  /**
   * When detection fell back to a single request although the first page
   * showed signs of more (`X-Total-Count announces 100 records`, a next
   * link), what it saw; a sync then gets less than the API holds.
   */
  unfollowed(): string | undefined;
}

/** The options of a detected strategy: flat JSON, so it can travel in every token. */
type Detected = { readonly type: StrategyName; readonly [option: string]: string | number };

/** Body paths that hold the next page's URL, most common first. */
export const NEXT_URL_PATHS: readonly string[] = [
  'next',
  'links.next',
  'pagination.next',
  'next_page_url',
  '_links.next.href',
  'paging.next',
];
/** Body paths that hold the next cursor. */
export const CURSOR_PATHS: readonly string[] = [
  'next_cursor',
  'nextCursor',
  'cursor.next',
  'pagination.next_cursor',
  'next_page_token',
  'nextPageToken',
  'meta.next_cursor',
];
const CURSOR_PARAM: Readonly<Record<string, string>> = { next_page_token: 'page_token', nextPageToken: 'pageToken' };
const PAGE_PARAMS = ['page', '_page'];
// Names too generic to mean "page number" on their own; a total must confirm them.
const WEAK_PAGE_PARAMS = ['pageNumber', 'page_number', 'pageNo', 'pageIndex', 'p'];
const OFFSET_PARAMS = ['offset', '_start', 'skip'];
const LIMIT_PARAMS = ['limit', '_limit', 'take', ...PAGE_SIZE_PARAMS.filter((name) => !['limit', '_limit'].includes(name))];
const TOTAL_PAGES_KEYS = ['total_pages', 'totalPages'];
const TOTAL_KEYS = ['total', 'count'];

/**
 * Detects the strategy from the first response: a `Link` header, a next URL
 * or a cursor in the body, then page or offset parameters in the request,
 * else a single request. Tokens carry the detected options
 * (`{ detected: { type: 'cursor', … }, token: { cursor: 'x' } }`) so a walk
 * resumes without detecting again; the first page's token is `{}`.
 */
export function auto(options: AutoOptions = {}, init: PaginatorInit = {}): AutoPaginator {
  const stop = stopOptionsOf(options);
  let inner: Paginator | undefined;
  let detected: Detected | undefined;
  let note: string | undefined;
  let unfollowed: string | undefined;

  const adopt = (config: Detected): Paginator => {
    const { type, ...rest } = config;
    // `isDetected` let only concrete strategy names through.
    const strategy = strategies[type as StrategyName] as Strategy<Record<string, unknown>>;
    const built = strategy.create({ ...rest, ...stop }, init, 'paginator');
    [inner, detected] = [built, config];
    return built;
  };
  const wrap = (step: PageStep | null): PageStep | null =>
    step && detected ? { patch: step.patch, token: { detected, token: step.token } } : null;
  const unwrap = (step: PageStep, current: Paginator): PageStep => {
    const token = step.token.token;
    return isToken(token) ? { patch: step.patch, token } : current.start();
  };

  return {
    type: 'auto',
    start(resume?: PageToken) {
      if (resume === undefined || Object.keys(resume).length === 0) {
        inner = detected = note = unfollowed = undefined;
        return { patch: {}, token: {} };
      }
      const config = resume.detected;
      const token = resume.token;
      if (!isDetected(config) || !isToken(token)) {
        throw new PaginationError(
          'auto',
          `cannot resume from token ${describeValue(resume)}: expected {} or { detected: { type, … }, token }`,
        );
      }
      note = undefined;
      try {
        return wrap(adopt(config).start(token)) as PageStep;
      } catch (cause) {
        if (cause instanceof PaginationError) throw cause;
        throw new PaginationError('auto', `cannot resume from token ${describeValue(resume)}: ${(cause as Error).message}`, { cause });
      }
    },
    next(ctx: PageContext) {
      let current = inner;
      if (!current) {
        const found = detect(ctx, stop, init.params ?? {});
        note = found.note;
        unfollowed = found.unfollowed;
        current = adopt(found.config);
      }
      return wrap(current.next({ ...ctx, step: unwrap(ctx.step, current) }));
    },
    // Always present so a walk that checks for `ahead` once still gets to
    // prefetch after detection; `null` until then means "nothing to predict".
    ahead(step: PageStep, k: number) {
      const token = step.token.token;
      if (!inner?.ahead || !isToken(token)) return null;
      return wrap(inner.ahead({ patch: step.patch, token }, k));
    },
    detected: () => detected?.type,
    unfollowed: () => unfollowed,
    describe() {
      if (!inner) return 'auto (strategy detected from the first response)';
      return `auto: ${note ?? inner.describe()}`;
    },
  };
}

interface Detection {
  config: Detected;
  /** What was found, when it says more than the strategy's own description. */
  note?: string;
  /** Signs of more pages a fallback to `single` could not follow. */
  unfollowed?: string | undefined;
}

function detect(ctx: PageContext, stop: StopOptions, params: QueryParams): Detection {
  const { body, headers } = ctx.response;
  const base = ctx.response.url || ctx.requestUrl;

  const link = headers.get('link');
  if (link && parseLinkHeader(link, base).some((l) => l.rel.includes('next'))) {
    return { config: { type: 'linkHeader' } };
  }
  for (const path of NEXT_URL_PATHS) {
    const value = jsonPath(path).get(body);
    if (typeof value === 'string' && /^(https?:\/\/|[/?])/i.test(value.trim())) return { config: { type: 'nextUrl', nextPath: path } };
  }
  for (const path of CURSOR_PATHS) {
    const value = jsonPath(path).get(body);
    if ((typeof value === 'number' && Number.isFinite(value)) || (scalarText(value) ?? '') !== '') {
      return { config: { type: 'cursor', cursorPath: path, cursorParam: CURSOR_PARAM[path] ?? 'cursor' } };
    }
  }
  // An explicit null is the last page of that style saying so; guessing a
  // page parameter instead would request a page the API does not have.
  for (const path of NEXT_URL_PATHS) {
    if (jsonPath(path).get(body) === null) return { config: { type: 'nextUrl', nextPath: path } };
  }
  for (const path of CURSOR_PATHS) {
    if (jsonPath(path).get(body) === null) {
      return { config: { type: 'cursor', cursorPath: path, cursorParam: CURSOR_PARAM[path] ?? 'cursor' } };
    }
  }

  const totals = findTotals(ctx, stop);
  const pageParam =
    PAGE_PARAMS.find((name) => Object.hasOwn(params, name)) ??
    (totals.found ? WEAK_PAGE_PARAMS.find((name) => Object.hasOwn(params, name)) : undefined);
  if (pageParam !== undefined) {
    const start = parseCount(params[pageParam]) ?? 1;
    const size = stop.pageSize === undefined ? positiveParam(params, PAGE_SIZE_PARAMS) : undefined;
    const details = [`param "${pageParam}"`];
    if (start !== 1) details.push(`from ${start}`);
    if (size) details.push(`page size ${size.value} from "${size.name}"`);
    return {
      config: { type: 'pageNumber', pageParam, start, ...totals.options },
      note: `pageNumber (${[...details, ...totals.notes].join(', ')})`,
    };
  }
  const offsetParam = OFFSET_PARAMS.find((name) => Object.hasOwn(params, name));
  const limit = positiveParam(params, LIMIT_PARAMS);
  if (offsetParam !== undefined && limit !== undefined) {
    const start = parseCount(params[offsetParam]) ?? 0;
    const details = [`param "${offsetParam}"`, `limit ${limit.value} from "${limit.name}"`];
    return {
      config: { type: 'offset', offsetParam, limitParam: limit.name, start, ...totals.options },
      note: `offset (${[...details, ...totals.notes].join(', ')})`,
    };
  }
  const unfollowed = unfollowedPagination(ctx);
  // Said here so `check` and the run log show it; a sync then fails the run if it got less than announced.
  const note = unfollowed
    ? `no pagination found, but ${unfollowed}: only this page is fetched; declare a paginator`
    : 'no pagination found';
  return { config: { type: 'single' }, note: `single (${note})`, unfollowed };
}

/** Signs of more pages that detection could not follow: a total larger than the page, or a next link. */
function unfollowedPagination(ctx: PageContext): string | undefined {
  const { body, headers } = ctx.response;
  const top = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const header = parseCount(headers.get('x-total-count'));
  if (header !== undefined && header > ctx.records.length) return `X-Total-Count announces ${header} records`;
  const totalKey = TOTAL_KEYS.find((key) => (parseCount(top[key]) ?? 0) > ctx.records.length);
  if (totalKey !== undefined) return `body "${totalKey}" announces ${parseCount(top[totalKey])} records`;
  const pagesKey = TOTAL_PAGES_KEYS.find((key) => (parseCount(top[key]) ?? 0) > 1);
  if (pagesKey !== undefined) return `body "${pagesKey}" announces ${parseCount(top[pagesKey])} pages`;
  const next = Object.keys(top).find((key) => /^next/i.test(key) && top[key] !== null && top[key] !== false && top[key] !== '');
  if (next !== undefined) return `body "${next}" looks like a next page (${describeValue(top[next])})`;
  return undefined;
}

/** Totals on the first page: evidence for a page parameter, and options for the detected strategy. */
function findTotals(ctx: PageContext, stop: StopOptions): { found: boolean; options: Record<string, string>; notes: string[] } {
  const body = ctx.response.body;
  const top = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const options: Record<string, string> = {};
  const notes: string[] = [];
  const pagesKey = TOTAL_PAGES_KEYS.find((key) => parseCount(top[key]) !== undefined);
  if (stop.totalPagesPath === undefined && pagesKey !== undefined) {
    options.totalPagesPath = pagesKey;
    notes.push(`${parseCount(top[pagesKey])} pages from body "${pagesKey}"`);
  }
  const totalKey = TOTAL_KEYS.find((key) => parseCount(top[key]) !== undefined);
  const header = parseCount(ctx.response.headers.get('x-total-count'));
  // Some APIs put the size of the page in `count`; trusting that as a total
  // would end the walk after one page. Only a value larger than the first
  // page cannot be a page size.
  const trusted = totalKey !== undefined && (parseCount(top[totalKey]) as number) > ctx.records.length;
  if (stop.totalPath === undefined && totalKey !== undefined && trusted) {
    options.totalPath = totalKey;
    notes.push(`total ${parseCount(top[totalKey])} from body "${totalKey}"`);
  } else if (stop.totalPath === undefined && header !== undefined) {
    notes.push(`total ${header} from X-Total-Count`);
  }
  return { found: pagesKey !== undefined || totalKey !== undefined || header !== undefined, options, notes };
}

function stopOptionsOf(options: AutoOptions): StopOptions {
  const stop: Record<string, unknown> = {};
  for (const key of ['stopOnEmpty', 'pageSize', 'totalPath', 'totalPagesPath', 'hasMorePath'] as const) {
    if (options[key] !== undefined) stop[key] = options[key];
  }
  return stop as StopOptions;
}

function isToken(value: unknown): value is PageToken {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isDetected(value: unknown): value is Detected {
  if (!isToken(value) || !isStrategyName(value.type)) return false;
  return Object.values(value).every((v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)));
}
