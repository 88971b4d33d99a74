import { ConfigError } from '../errors/config-error.js';
import { PaginationError } from '../errors/pagination-error.js';
import { describeValue } from '../util/describe-value.js';
import { nonEmptyString, nonNegativeInteger, positiveInteger } from '../util/option-fields.js';
import type { OptionIssue } from '../util/option-issues.js';
import type { OptionShape } from '../util/strict-options.js';
import { positiveParam } from './counts.js';
import { type ParamLocationOption, paramLocation, stopOptionsShape, strategyOptions } from './option-fields.js';
import { checkStop } from './stop-conditions.js';
import type { PageContext, PageStep, PageToken, Paginator, PaginatorInit, StopOptions } from './types.js';

export interface OffsetOptions extends StopOptions, ParamLocationOption {
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

/** The options of {@link offset}, as `createPaginator` and the config file check them. */
export const offsetOptionsSchema = strategyOptions('offset', {
  offsetParam: nonEmptyString.optional(),
  limitParam: nonEmptyString.optional(),
  in: paramLocation.optional(),
  limit: positiveInteger.optional(),
  start: nonNegativeInteger.optional(),
  ...stopOptionsShape,
} satisfies OptionShape<Omit<OffsetOptions, 'type'>>);

const limitParamOf = (options: OffsetOptions): string => options.limitParam ?? 'limit';
const limitOf = (options: OffsetOptions, init: PaginatorInit): number | undefined =>
  options.limit ?? positiveParam(init.params, [limitParamOf(options)])?.value;

/**
 * What the options alone cannot say: the limit may come from the options or
 * from the base params, and one of them must give it. Checked by the config
 * (against the params the resource will send) and by {@link offset} itself.
 */
export function offsetInitIssue(options: OffsetOptions, init: PaginatorInit): OptionIssue | undefined {
  if (limitOf(options, init) !== undefined) return undefined;
  return { path: ['limit'], message: `required: set limit, or put a positive "${limitParamOf(options)}" in the request params` };
}

/** `?offset=0&limit=100`, `?offset=100&limit=100`, … Token: `{ offset: n }`. */
export function offset(options: OffsetOptions = {}, init: PaginatorInit = {}, path = 'paginator'): Paginator {
  const type = 'offset';
  const offsetParam = options.offsetParam ?? 'offset';
  const limitParam = limitParamOf(options);
  const limit = limitOf(options, init);
  if (limit === undefined) throw ConfigError.fromIssue(path, offsetInitIssue(options, init) as OptionIssue);
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
