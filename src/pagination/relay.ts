import { PaginationError } from '../errors/pagination-error.js';
import { describeValue } from '../util/describe-value.js';
import { jsonPath } from '../util/json-path.js';
import { nonEmptyString } from '../util/option-fields.js';
import type { OptionShape } from '../util/strict-options.js';
import { resumedCursor } from './cursor.js';
import { jsonPathOption, stopOptionsShape, strategyOptions } from './option-fields.js';
import { checkStop } from './stop-conditions.js';
import type { PageContext, PageStep, PageToken, Paginator, StopOptions } from './types.js';

export interface RelayOptions extends StopOptions {
  type?: 'relay';
  /** JSON path of the connection's `pageInfo` (`data.repository.issues.pageInfo`), which holds `hasNextPage` and `endCursor`. */
  pageInfoPath: string;
  /**
   * The GraphQL variable the cursor is sent in (`variables.<name>` of the body).
   * @default 'after'
   */
  cursorVariable?: string;
}

export interface RelayConfig extends RelayOptions {
  type: 'relay';
}

/** The options of {@link relay}, as `createPaginator` and the config file check them. */
export const relayOptionsSchema = strategyOptions('relay', {
  pageInfoPath: jsonPathOption,
  cursorVariable: nonEmptyString.optional(),
  ...stopOptionsShape,
} satisfies OptionShape<Omit<RelayOptions, 'type'>>);

/** The variable a relay config sends its cursor in, as a JSON path of the request body. */
export function relayCursorPath(options: Pick<RelayOptions, 'cursorVariable'>): string {
  return `variables['${options.cursorVariable ?? 'after'}']`;
}

/**
 * Relay-style cursor connections of a GraphQL API: the next page is asked
 * for with `pageInfo.endCursor` in the cursor variable while
 * `pageInfo.hasNextPage` is true. The cursor always goes in the body (the
 * resource's `graphql` request). Token: `{ cursor: string | null }`, `null`
 * being the first page.
 */
export function relay(options: RelayOptions): Paginator {
  const type = 'relay';
  const pageInfo = jsonPath(options.pageInfoPath);
  const variable = relayCursorPath(options);

  const step = (value: string | null): PageStep => ({
    patch: value === null ? {} : { params: { [variable]: value } },
    token: { cursor: value },
  });

  const read = (ctx: PageContext): string | null => {
    const info = pageInfo.get(ctx.response.body);
    if (info === null || typeof info !== 'object' || Array.isArray(info)) {
      throw new PaginationError(
        type,
        `pageInfo at "${pageInfo.source}" is ${describeValue(info)}, expected an object with hasNextPage and endCursor`,
      );
    }
    const { hasNextPage, endCursor } = info as { hasNextPage?: unknown; endCursor?: unknown };
    if (typeof hasNextPage !== 'boolean') {
      throw new PaginationError(type, `"${pageInfo.source}.hasNextPage" must be a boolean, got ${describeValue(hasNextPage)}`);
    }
    if (!hasNextPage) return null;
    if (typeof endCursor !== 'string' || endCursor === '') {
      throw new PaginationError(
        type,
        `hasNextPage is true but "${pageInfo.source}.endCursor" is ${describeValue(endCursor)}, expected a cursor string`,
      );
    }
    return endCursor;
  };

  return {
    type,
    start(resume?: PageToken) {
      return step(resume === undefined ? null : resumedCursor(type, resume));
    },
    next(ctx) {
      // hasNextPage decides; an empty page still stops unless stopOnEmpty is false.
      if (checkStop(type, options, ctx, { pageSize: options.pageSize }).reason !== undefined) return null;
      const value = read(ctx);
      return value === null ? null : step(value);
    },
    describe() {
      return `relay (${pageInfo.source}.endCursor → $${options.cursorVariable ?? 'after'})`;
    },
  };
}
