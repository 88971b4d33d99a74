import * as z from 'zod';
import type { BrowseQuery, BrowseView } from '../store/browse-types.js';
import { type ColumnFilter, FILTER_OPERATORS, type FilterOperator } from '../store/browse-types.js';
import type { AdminContext } from './admin-env.js';
import { AdminHttpError } from './admin-http-error.js';
import { parseQuery } from './parse-input.js';

const blank = (value: unknown): unknown => (value === '' ? undefined : value);

/** The data browser's view and position, as `GET /api/v1/tables/{table}/rows` takes them. */
export const browseParamsSchema = z.object({
  sort: z.preprocess(blank, z.string().optional()).describe('column to sort by; key order without it'),
  dir: z.preprocess(blank, z.enum(['asc', 'desc']).optional()).describe('sort direction, asc by default; nulls sort after every value'),
  q: z.preprocess(blank, z.string().optional()).describe("rows where any column's text contains this, case-insensitively"),
  filter: z
    .array(z.string())
    .optional()
    .describe(
      `per-column filters, repeatable: column:op:value with op one of ${FILTER_OPERATORS.join(', ')} (null and notnull take no value)`,
    ),
  after: z.preprocess(blank, z.string().optional()).describe('the `next` cursor of a page'),
  before: z.preprocess(blank, z.string().optional()).describe('the `previous` cursor of a page'),
  last: z.preprocess(blank, z.enum(['1', 'true']).optional()).describe('the last page'),
  limit: z.preprocess(blank, z.coerce.number().int().min(1).max(1000).optional()).describe('rows per page, 50 by default'),
});

export type BrowseParams = z.output<typeof browseParamsSchema>;

/** `column:op:value` → a filter; the value may itself hold colons. */
function apiFilter(text: string): ColumnFilter {
  const [column = '', op = '', ...rest] = text.split(':');
  if (!(FILTER_OPERATORS as readonly string[]).includes(op)) {
    throw new AdminHttpError(400, `filter: "${text}": expected column:op:value with op one of ${FILTER_OPERATORS.join(', ')}`);
  }
  return { column, op: op as FilterOperator, value: rest.length > 0 ? rest.join(':') : undefined };
}

const SHORTHAND: readonly [string, FilterOperator][] = [
  ['>=', 'ge'],
  ['<=', 'le'],
  ['!=', 'ne'],
  ['>', 'gt'],
  ['<', 'lt'],
  ['=', 'eq'],
];

/**
 * A filter box of the browser page (`f.price=>10`): `>10`, `>=`, `<`, `<=`,
 * `=`, `!=`, `null`, `!null`; anything else is "contains".
 */
export function shorthandFilter(column: string, text: string): ColumnFilter | undefined {
  const value = text.trim();
  if (value === '') return undefined;
  if (value === 'null') return { column, op: 'null' };
  if (value === '!null' || value === 'notnull') return { column, op: 'notnull' };
  for (const [prefix, op] of SHORTHAND) if (value.startsWith(prefix)) return { column, op, value: value.slice(prefix.length).trim() };
  return { column, op: 'contains', value };
}

/** The view and page a request asks for: API filters and the page's `f.<column>` boxes alike. */
export function browseQuery(c: AdminContext, table: string): { query: BrowseQuery; params: BrowseParams; boxes: Record<string, string> } {
  const params = parseQuery(c, browseParamsSchema);
  const filters = (params.filter ?? []).map(apiFilter);
  const boxes: Record<string, string> = {};
  for (const [key, value] of Object.entries(c.req.query())) {
    if (!key.startsWith('f.')) continue;
    boxes[key.slice(2)] = value;
    const filter = shorthandFilter(key.slice(2), value);
    if (filter) filters.push(filter);
  }
  const view: BrowseView = {
    table,
    sort: params.sort === undefined ? undefined : { column: params.sort, direction: params.dir ?? 'asc' },
    search: params.q,
    filters,
  };
  return {
    query: { ...view, after: params.after, before: params.before, last: params.last !== undefined, limit: params.limit },
    params,
    boxes,
  };
}
