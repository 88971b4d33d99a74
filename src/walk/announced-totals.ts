import type { JsonResponse } from '../http/types.js';
import { parseCount } from '../pagination/counts.js';
import { jsonPath } from '../util/json-path.js';
import type { PaginateOptions } from './paginate-options.js';

/** How much the API says the whole walk holds, as one page announces it. */
export interface AnnouncedTotals {
  /** Records. */
  readonly total: number | undefined;
  /** Pages. */
  readonly totalPages: number | undefined;
}

const TOTAL_KEYS = ['count', 'total', 'total_count', 'totalCount'] as const;
const TOTAL_PAGES_KEYS = ['total_pages', 'totalPages'] as const;

/**
 * The totals a page announces: at the paginator's `totalPath` /
 * `totalPagesPath` when it names them, else `X-Total-Count` or a top-level
 * `count`/`total`/`total_count`/`totalCount`, and `total_pages`/`totalPages`.
 * Body totals count only as numbers: a string there may mean anything.
 */
export function announcedTotals(response: JsonResponse, paginator: PaginateOptions['paginator']): AnnouncedTotals {
  const declared =
    paginator !== null && typeof paginator === 'object' ? (paginator as { totalPath?: unknown; totalPagesPath?: unknown }) : {};
  const body = response.body;
  const top = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const at = (path: unknown): number | undefined => (typeof path === 'string' ? numeric(jsonPath(path).get(body)) : undefined);
  const total =
    typeof declared.totalPath === 'string'
      ? at(declared.totalPath)
      : (parseCount(response.headers.get('x-total-count')) ?? firstNumeric(top, TOTAL_KEYS));
  const totalPages = typeof declared.totalPagesPath === 'string' ? at(declared.totalPagesPath) : firstNumeric(top, TOTAL_PAGES_KEYS);
  return { total, totalPages };
}

function firstNumeric(body: Record<string, unknown>, keys: readonly string[]): number | undefined {
  for (const key of keys) {
    const value = numeric(body[key]);
    if (value !== undefined) return value;
  }
  return undefined;
}

function numeric(value: unknown): number | undefined {
  return typeof value === 'number' || typeof value === 'bigint' ? parseCount(value) : undefined;
}
