import { ConfigError } from '../errors/config-error.js';
import { PaginationError } from '../errors/pagination-error.js';
import { describeValue } from '../util/describe-value.js';
import { positiveParam } from './counts.js';
import { checkStop } from './stop-conditions.js';
import type { PageContext, PageStep, PageToken, Paginator, PaginatorInit, StopOptions } from './types.js';

export interface OffsetOptions extends StopOptions {
  type?: 'offset';
  /**
   * Query parameter carrying the offset.
   * @default 'offset'
   */
  offsetParam?: string;
  /**
   * Query parameter carrying the limit.
   * @default 'limit'
   */
  limitParam?: string;
  /**
   * Records per request, sent as `limitParam`; required unless the base
   * params already hold `limitParam`. A page with fewer records is the last
   * (set `pageSize` when the server caps the limit below what you ask for).
   */
  limit?: number;
  /**
   * Offset of the first request.
   * @default 0
   */
  start?: number;
}

export interface OffsetConfig extends OffsetOptions {
  type: 'offset';
}

/** `?offset=0&limit=100`, `?offset=100&limit=100`, … Token: `{ offset: n }`. */
export function offset(options: OffsetOptions = {}, init: PaginatorInit = {}, path = 'paginator'): Paginator {
  const type = 'offset';
  const offsetParam = options.offsetParam ?? 'offset';
  const limitParam = options.limitParam ?? 'limit';
  const limit = options.limit ?? positiveParam(init.params, [limitParam])?.value;
  if (limit === undefined) {
    throw new ConfigError(`${path}.limit`, `required: set limit, or put a positive "${limitParam}" in the request params`);
  }
  const first = options.start ?? 0;
  const pageSize = options.pageSize ?? limit;
  // Exclusive end offset, learned from a total as pages come in.
  let end: number | undefined;

  const step = (at: number): PageStep => ({
    patch: { params: { [offsetParam]: at, [limitParam]: limit } },
    token: { offset: at },
  });

  const offsetOf = (token: PageToken): number => {
    const at = token.offset;
    if (typeof at !== 'number' || !Number.isSafeInteger(at) || at < 0) {
      throw new PaginationError(type, `cannot resume from token ${describeValue(token)}: expected { offset: integer >= 0 }`);
    }
    return at;
  };

  return {
    type,
    start(resume) {
      return step(resume === undefined ? first : offsetOf(resume));
    },
    next(ctx: PageContext) {
      const at = offsetOf(ctx.step.token);
      const check = checkStop(type, options, ctx, { pageSize, totals: true });
      if (check.totalRecords !== undefined || check.totalPages !== undefined) {
        end = Math.min(check.totalRecords ?? Infinity, check.totalPages === undefined ? Infinity : check.totalPages * limit);
      }
      if (check.reason !== undefined) return null;
      if (end !== undefined && at + limit >= end) return null;
      return step(at + limit);
    },
    ahead(from, k) {
      const at = offsetOf(from.token) + k * limit;
      return end !== undefined && at >= end ? null : step(at);
    },
    describe() {
      return `offset (param "${offsetParam}" from ${first}, ${limit} per page via "${limitParam}")`;
    },
  };
}
