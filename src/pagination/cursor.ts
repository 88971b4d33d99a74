import { PaginationError } from '../errors/pagination-error.js';
import { describeValue } from '../util/describe-value.js';
import { jsonPath } from '../util/json-path.js';
import { headerName, nonEmptyString } from '../util/option-fields.js';
import { scalarText } from '../util/scalar-text.js';
import type { OptionShape } from '../util/strict-options.js';
import { jsonPathOption, type ParamLocationOption, paramLocation, stopOptionsShape, strategyOptions } from './option-fields.js';
import { checkStop } from './stop-conditions.js';
import type { PageContext, PageStep, PageToken, Paginator, StopOptions } from './types.js';

export interface CursorOptions extends StopOptions, ParamLocationOption {
  type?: 'cursor';
  /**
   * JSON path of the next cursor in the body.
   * @default 'next_cursor' (unless `cursorHeader` is set)
   */
  cursorPath?: string;
  /** Read the next cursor from this response header instead of the body. */
  cursorHeader?: string;
  /**
   * Query parameter that sends the cursor.
   * @default 'cursor'
   */
  cursorParam?: string;
  /** Send the cursor as this request header instead of a query parameter. */
  cursorRequestHeader?: string;
}

export interface CursorConfig extends CursorOptions {
  type: 'cursor';
}

// Options that say the same thing two ways: the second one written is reported.
const EXCLUSIVE = [
  ['cursorPath', 'cursorHeader'],
  ['cursorParam', 'cursorRequestHeader'],
] as const;

/** The options of {@link cursor}, as `createPaginator` and the config file check them. */
export const cursorOptionsSchema = strategyOptions('cursor', {
  cursorPath: jsonPathOption.optional(),
  cursorHeader: headerName.optional(),
  cursorParam: nonEmptyString.optional(),
  cursorRequestHeader: headerName.optional(),
  in: paramLocation.optional(),
  ...stopOptionsShape,
} satisfies OptionShape<Omit<CursorOptions, 'type'>>).superRefine((options, ctx) => {
  for (const [a, b] of EXCLUSIVE) {
    if (options[a] !== undefined && options[b] !== undefined)
      ctx.addIssue({ code: 'custom', path: [b], message: `set either ${a} or ${b}, not both` });
  }
});

/**
 * Opaque cursors handed out by the server (`next_cursor`, `nextPageToken`).
 * Token: `{ cursor: string | null }`, `null` being the first page.
 */
/** The cursor a `{ cursor }` page token resumes from (cursor and relay walks alike). */
export function resumedCursor(type: string, resume: PageToken): string | null {
  const value = resume.cursor;
  if (value !== null && typeof value !== 'string') {
    throw new PaginationError(type, `cannot resume from token ${describeValue(resume)}: expected { cursor: string | null }`);
  }
  return value;
}

export function cursor(options: CursorOptions = {}): Paginator {
  const type = 'cursor';
  const header = options.cursorHeader;
  const path = header === undefined ? jsonPath(options.cursorPath ?? 'next_cursor') : undefined;
  const param = options.cursorParam ?? 'cursor';
  const sendHeader = options.cursorRequestHeader;

  const step = (value: string | null): PageStep => ({
    patch: value === null ? {} : sendHeader !== undefined ? { headers: { [sendHeader]: value } } : { params: { [param]: value } },
    token: { cursor: value },
  });

  const read = (ctx: PageContext): string | undefined => {
    const raw: unknown = header !== undefined ? ctx.response.headers.get(header) : path?.get(ctx.response.body);
    if (raw === undefined || raw === null || raw === '') return undefined;
    if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
    if (typeof raw === 'bigint') return raw.toString();
    const text = scalarText(raw);
    if (text === undefined) {
      throw new PaginationError(type, `next cursor at ${where()} must be a string or a number, got ${describeValue(raw)}`);
    }
    return text === '' ? undefined : text;
  };

  const where = (): string => (header !== undefined ? `header ${header}` : `body "${path?.source}"`);

  return {
    type,
    start(resume?: PageToken) {
      return step(resume === undefined ? null : resumedCursor(type, resume));
    },
    next(ctx) {
      if (checkStop(type, options, ctx, { pageSize: options.pageSize, autoHasMore: true }).reason !== undefined) return null;
      const value = read(ctx);
      return value === undefined ? null : step(value);
    },
    describe() {
      const to = sendHeader !== undefined ? `header ${sendHeader}` : `query "${param}"`;
      return `cursor (${where()} → ${to})`;
    },
  };
}
