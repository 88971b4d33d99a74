import type { QueryParams } from '../http/types.js';

import type { JsonValue } from '../util/json.js';

export type { JsonPrimitive, JsonValue } from '../util/json.js';

/**
 * The position of a walk: a small JSON object from which the paginator can
 * rebuild the next request (`{ page: 4 }`, `{ cursor: 'abc' }`,
 * `{ url: '…' }`). Stored with each committed page so a walk resumes there.
 */
export type PageToken = { readonly [key: string]: JsonValue };

/** What a paginator may know of the request before the first page. */
export interface PaginatorInit {
  /** The base query params: page size, limit and page parameters are read from them. */
  params?: QueryParams;
}

/** How a paginator changes the base request. */
export interface RequestPatch {
  /** Absolute URL replacing the base URL; its own query replaces the base params. */
  readonly url?: string;
  /** Query parameters merged over the base params. */
  readonly params?: QueryParams;
  /** Headers merged over the base headers. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** A request to make and the token that rebuilds it. */
export interface PageStep {
  readonly patch: RequestPatch;
  readonly token: PageToken;
}

/** What a paginator sees of a fetched page. */
export interface PageContext {
  /** 0-based index of the page in this walk. */
  readonly index: number;
  /** The step that produced this page. */
  readonly step: PageStep;
  /** The URL that was requested (query included). */
  readonly requestUrl: string;
  readonly response: {
    readonly status: number;
    readonly url: string;
    readonly headers: Headers;
    readonly body: unknown;
  };
  /** The page's records, before any filter, so a short page is measured on what the server sent. */
  readonly records: readonly unknown[];
}

/**
 * A pagination strategy. It never does I/O: it turns the page just fetched
 * into the next request, or `null` when the walk is over. One instance serves
 * one walk, so it may remember what it learned (a total, a detected style).
 */
export interface Paginator {
  /** The registry name of the strategy (`pageNumber`, `cursor`, …). */
  readonly type: string;
  /** The first request, or the one `resume` (a token from an earlier page) points at. */
  start(resume?: PageToken): PageStep;
  /** The request after `page`, or `null` when `page` was the last. */
  next(page: PageContext): PageStep | null;
  /**
   * Only on strategies whose later pages are known without fetching (page
   * number, offset): the step `k` pages after `step`, or `null` when a known
   * total says it lies past the end. Lets a walk keep several pages in flight.
   */
  ahead?(step: PageStep, k: number): PageStep | null;
  /** A one-line description, e.g. what `auto` detected. */
  describe(): string;
}

/** Stop conditions every strategy understands. */
export interface StopOptions {
  /**
   * Stop at the first page with no records.
   * @default true
   */
  stopOnEmpty?: boolean;
  /** Records per full page; a page with fewer records is the last. */
  pageSize?: number;
  /** JSON path of the total number of records in the body (`X-Total-Count` is read when absent). */
  totalPath?: string;
  /** JSON path of the total number of pages in the body. */
  totalPagesPath?: string;
  /** JSON path of a "more pages" flag (`has_more`); `false` ends the walk. */
  hasMorePath?: string;
  /** Fetch at most this many pages. */
  maxPages?: number;
}
