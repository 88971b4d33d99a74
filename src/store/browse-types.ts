import type { ColumnInfo, QueryResult, Row } from './types.js';

export type SortDirection = 'asc' | 'desc';

/**
 * A per-column filter: comparisons (`eq` … `ge`) are numeric for number and
 * decimal columns, in time order for timestamps; `contains` matches the
 * column's text case-insensitively; `null`/`notnull` take no value.
 */
export type FilterOperator = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' | 'contains' | 'null' | 'notnull';

export const FILTER_OPERATORS: readonly FilterOperator[] = ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'contains', 'null', 'notnull'];

export interface ColumnFilter {
  readonly column: string;
  readonly op: FilterOperator;
  /** The value as text (what a form sends); ignored by `null`/`notnull`. */
  readonly value?: string | undefined;
}

/** Which rows of a table, in which order: what the data browser shows and exports. */
export interface BrowseView {
  readonly table: string;
  /**
   * Sort column and direction; ties (and no sort) go by primary key, or by
   * insertion order for a table without one. Nulls sort after every value.
   */
  readonly sort?: { readonly column: string; readonly direction: SortDirection } | undefined;
  /** Rows where any column's text contains this, case-insensitively. */
  readonly search?: string | undefined;
  /** Every filter must hold. */
  readonly filters?: readonly ColumnFilter[] | undefined;
}

export interface BrowseQuery extends BrowseView {
  /** The `next` cursor of a page: the rows after it. */
  readonly after?: string | undefined;
  /** The `previous` cursor of a page: the rows before it. */
  readonly before?: string | undefined;
  /** The last page of the view (when neither cursor is given). */
  readonly last?: boolean | undefined;
  /**
   * Rows per page, at most 1000.
   * @default 50
   */
  readonly limit?: number | undefined;
}

export interface BrowseRow {
  /** The row's key (its primary key, or its position), for {@link StoreBrowse.row}. */
  readonly key: string;
  /** Values normalized as everywhere in the store: bigint, exact decimal digits, ISO timestamps, parsed JSON. */
  readonly values: Row;
}

export interface BrowsePage {
  readonly columns: readonly ColumnInfo[];
  /** Key columns in key order; empty when rows are told apart by position. */
  readonly primaryKey: readonly string[];
  readonly rows: readonly BrowseRow[];
  /** Cursor of the page after this one; `undefined` on the last page. */
  readonly next: string | undefined;
  /** Cursor of the page before this one; `undefined` on the first page. */
  readonly previous: string | undefined;
}

/**
 * `store.browse`: a table's rows a page at a time, sorted by any column,
 * searched and filtered, with keyset cursors so a page deep in a table of
 * millions of rows costs what the first one costs when the order has an index.
 */
export interface StoreBrowse {
  page(query: BrowseQuery): Promise<BrowsePage>;
  /** Every row of the view, in its order, streamed (exports of what the browser shows). */
  rows(view: BrowseView): Promise<QueryResult>;
  /** How many rows the view holds. */
  count(view: BrowseView): Promise<number>;
  /** One row by the key a page gave it; `undefined` when it is gone. */
  row(table: string, key: string): Promise<Row | undefined>;
}
