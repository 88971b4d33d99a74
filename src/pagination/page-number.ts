import { PaginationError } from '../errors/pagination-error.js';
import { describeValue } from '../util/describe-value.js';
import { nonEmptyString, nonNegativeInteger } from '../util/option-fields.js';
import type { OptionShape } from '../util/strict-options.js';
import { positiveParam } from './counts.js';
import { type ParamLocationOption, paramLocation, stopOptionsShape, strategyOptions } from './option-fields.js';
import { checkStop } from './stop-conditions.js';
import type { PageContext, PageStep, PageToken, Paginator, PaginatorInit, StopOptions } from './types.js';

export interface PageNumberOptions extends StopOptions, ParamLocationOption {
  type?: 'pageNumber';
  /**
   * Query parameter carrying the page number.
   * @default 'page'
   */
  pageParam?: string;
  /**
   * Number of the first page; also the numbering base used with `totalPagesPath`
   * (0 for zero-based APIs).
   * @default 1
   */
  start?: number;
  /**
   * Query parameter carrying the page size. With `pageSize` it is sent on
   * every request; without, its value in the base params is the page size.
   */
  sizeParam?: string;
}

export interface PageNumberConfig extends PageNumberOptions {
  type: 'pageNumber';
}

/** The options of {@link pageNumber}, as `createPaginator` and the config file check them. */
export const pageNumberOptionsSchema = strategyOptions('pageNumber', {
  pageParam: nonEmptyString.optional(),
  start: nonNegativeInteger.optional(),
  sizeParam: nonEmptyString.optional(),
  in: paramLocation.optional(),
  ...stopOptionsShape,
} satisfies OptionShape<Omit<PageNumberOptions, 'type'>>);

/**
 * Base params that conventionally hold the page size: knowing it turns every
 * short page into a free stop signal (CoinGecko's `per_page: 50`).
 */
export const PAGE_SIZE_PARAMS: readonly string[] = ['per_page', 'page_size', 'pageSize', 'perPage', 'limit', '_limit', 'size'];

/** `?page=1`, `?page=2`, … Token: `{ page: n }`. */
export function pageNumber(options: PageNumberOptions = {}, init: PaginatorInit = {}): Paginator {
  const type = 'pageNumber';
  const pageParam = options.pageParam ?? 'page';
  const first = options.start ?? 1;
  const sent = options.sizeParam !== undefined && options.pageSize !== undefined;
  const fromParams =
    options.pageSize === undefined
      ? positiveParam(init.params, options.sizeParam !== undefined ? [options.sizeParam] : PAGE_SIZE_PARAMS)
      : undefined;
  const pageSize = options.pageSize ?? fromParams?.value;
  // Learned from the pages as they come; the latest announcement wins so a
  // growing collection does not end the walk early.
  let lastPage: number | undefined;

  const step = (page: number): PageStep => ({
    patch: {
      params: sent ? { [pageParam]: page, [options.sizeParam as string]: pageSize as number } : { [pageParam]: page },
    },
    token: { page },
  });

  const pageOf = (token: PageToken): number => {
    const page = token.page;
    if (typeof page !== 'number' || !Number.isSafeInteger(page) || page < 0) {
      throw new PaginationError(type, `cannot resume from token ${describeValue(token)}: expected { page: integer >= 0 }`);
    }
    return page;
  };

  return {
    type,
    start(resume) {
      return step(resume === undefined ? first : pageOf(resume));
    },
    next(ctx: PageContext) {
      const page = pageOf(ctx.step.token);
      const check = checkStop(type, options, ctx, { pageSize, totals: true });
      const fromPages = check.totalPages === undefined ? undefined : first + check.totalPages - 1;
      const fromRecords =
        check.totalRecords === undefined || pageSize === undefined ? undefined : first + Math.ceil(check.totalRecords / pageSize) - 1;
      if (fromPages !== undefined || fromRecords !== undefined) {
        lastPage = Math.min(fromPages ?? Infinity, fromRecords ?? Infinity);
      }
      if (check.reason !== undefined) return null;
      if (lastPage !== undefined && page >= lastPage) return null;
      // Without a page size a total cannot be turned into a page count, but a
      // first page that already holds every record is still the last.
      if (page === first && check.totalRecords !== undefined && ctx.records.length >= check.totalRecords) return null;
      return step(page + 1);
    },
    ahead(from, k) {
      const page = pageOf(from.token) + k;
      return lastPage !== undefined && page > lastPage ? null : step(page);
    },
    describe() {
      const size =
        pageSize === undefined
          ? ''
          : fromParams !== undefined
            ? `, page size ${pageSize} from "${fromParams.name}"`
            : `, page size ${pageSize}`;
      return `pageNumber (param "${pageParam}" from ${first}${size})`;
    },
  };
}
