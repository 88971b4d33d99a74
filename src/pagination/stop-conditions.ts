import { PaginationError } from '../errors/pagination-error.js';
import { describeValue } from '../util/describe-value.js';
import { jsonPath } from '../util/json-path.js';
import { parseCount } from './counts.js';
import type { PageContext, StopOptions } from './types.js';

/** What {@link checkStop} learned from one page. */
export interface StopCheck {
  /** Why this page is the last one (`"empty page"`, `"has_more is false"`, …), or `undefined` to go on. */
  readonly reason: string | undefined;
  /** Total number of records announced by the page, when read and present. */
  readonly totalRecords: number | undefined;
  /** Total number of pages announced by the page, when read and present. */
  readonly totalPages: number | undefined;
}

export interface CheckStopOptions {
  /** Records per full page, already resolved by the strategy (option, limit or base param). */
  readonly pageSize?: number | undefined;
  /**
   * Read `totalPath` / `X-Total-Count` and `totalPagesPath`. Only position
   * strategies (page number, offset) can use a total, so others leave it off
   * and a malformed header they cannot use never fails their walk.
   * @default false
   */
  readonly totals?: boolean;
  /**
   * When `hasMorePath` is not set, read a boolean `has_more` / `hasMore` at
   * the top of the body.
   * @default false
   */
  readonly autoHasMore?: boolean;
}

const TOTAL_HEADER = 'X-Total-Count';

/**
 * Evaluates the shared {@link StopOptions} on a fetched page. Totals are
 * returned rather than acted on: only the strategy knows where it stands.
 */
export function checkStop(paginator: string, options: StopOptions, page: PageContext, check: CheckStopOptions = {}): StopCheck {
  const { body, headers } = page.response;
  // Totals are read (and validated) before any early return so that a bad
  // total surfaces on the page that carries it, not on some later one.
  let totalRecords: number | undefined;
  let totalPages: number | undefined;
  if (check.totals) {
    totalRecords = readTotalRecords(paginator, options, body, headers);
    totalPages = options.totalPagesPath === undefined ? undefined : readCountAt(paginator, options.totalPagesPath, body);
  }
  const done = (reason: string | undefined): StopCheck => ({ reason, totalRecords, totalPages });

  const count = page.records.length;
  if (count === 0 && options.stopOnEmpty !== false) return done('empty page');
  if (check.pageSize !== undefined && count < check.pageSize) {
    return done(`short page (${count} < ${check.pageSize} records)`);
  }
  if (options.hasMorePath !== undefined) {
    if (readFlag(paginator, options.hasMorePath, body) === false) return done(`${options.hasMorePath} is false`);
  } else if (check.autoHasMore && body !== null && typeof body === 'object' && !Array.isArray(body)) {
    for (const key of ['has_more', 'hasMore']) {
      if ((body as Record<string, unknown>)[key] === false) return done(`${key} is false`);
    }
  }
  return done(undefined);
}

/** The total number of records from `totalPath`, else the `X-Total-Count` header. */
export function readTotalRecords(
  paginator: string,
  options: Pick<StopOptions, 'totalPath'>,
  body: unknown,
  headers: Headers,
): number | undefined {
  if (options.totalPath !== undefined) return readCountAt(paginator, options.totalPath, body);
  const header = headers.get(TOTAL_HEADER);
  if (header === null) return undefined;
  return toCount(paginator, `header ${TOTAL_HEADER}`, header);
}

/** A count at a JSON path; missing or `null` means "not announced on this page". */
export function readCountAt(paginator: string, path: string, body: unknown): number | undefined {
  const value = jsonPath(path).get(body);
  if (value === undefined || value === null) return undefined;
  return toCount(paginator, `"${path}"`, value);
}

/** A count as a non-negative safe integer; `where` names its origin in the error. */
export function toCount(paginator: string, where: string, value: unknown): number {
  const count = parseCount(value);
  if (count === undefined) {
    throw new PaginationError(paginator, `total at ${where} must be a non-negative integer, got ${describeValue(value)}`);
  }
  return count;
}

function readFlag(paginator: string, path: string, body: unknown): boolean | undefined {
  const value = jsonPath(path).get(body);
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  // Some APIs spell the flag as 0/1 or as a string.
  if (value === 0 || value === '0' || value === 'false') return false;
  if (value === 1 || value === '1' || value === 'true') return true;
  throw new PaginationError(paginator, `"${path}" must be a boolean, got ${describeValue(value)}`);
}
