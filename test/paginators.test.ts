import type { QueryParams } from 'siphon-sync';
import {
  ConfigError,
  createPaginator,
  type PageContext,
  type PageStep,
  type PageToken,
  PaginationError,
  type Paginator,
  type PaginatorConfig,
  paginatorTypes,
  selectRecords,
} from 'siphon-sync';
import { describe, expect, it } from 'vitest';
import {
  type AutoPaginator,
  auto,
  checkStop,
  cursor,
  describeRecordsPath,
  linkHeader,
  nextUrl,
  offset,
  pageNumber,
  parseLinkHeader,
  single,
  strategies,
} from '../src/pagination/index.js';

// ---------------------------------------------------------------------------
// A tiny in-memory API and a walk driver that builds requests the way the
// real one does: base URL + base params + patch.
// ---------------------------------------------------------------------------

const BASE = 'https://api.test/items';
type Row = { id: number };
const rows = (n: number): Row[] => Array.from({ length: n }, (_, i) => ({ id: i + 1 }));

interface FakeRequest {
  readonly url: URL;
  readonly headers: Headers;
}
interface FakeReply {
  body: unknown;
  headers?: Record<string, string>;
  status?: number;
}
type Server = (request: FakeRequest) => FakeReply;

interface Walk {
  records: unknown[];
  steps: PageStep[];
  urls: string[];
  /** Token after each page (`null` after the last). */
  nextTokens: (PageToken | null)[];
}

function buildRequest(params: QueryParams, step: PageStep, baseHeaders: Record<string, string> = {}): FakeRequest {
  const url = new URL(step.patch.url ?? BASE);
  const apply = (p: QueryParams): void => {
    for (const [name, value] of Object.entries(p)) {
      url.searchParams.delete(name);
      if (value === null || value === undefined) continue;
      for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(name, String(item));
    }
  };
  if (!step.patch.url) apply(params);
  if (step.patch.params) apply(step.patch.params);
  return { url, headers: new Headers({ ...baseHeaders, ...step.patch.headers }) };
}

function fetchPage(server: Server, request: FakeRequest): PageContext['response'] {
  const reply = server(request);
  return { status: reply.status ?? 200, url: request.url.href, headers: new Headers(reply.headers ?? {}), body: reply.body };
}

function walk(
  paginator: Paginator,
  server: Server,
  options: { params?: QueryParams; resume?: PageToken; records?: string; maxPages?: number } = {},
): Walk {
  const result: Walk = { records: [], steps: [], urls: [], nextTokens: [] };
  let step: PageStep | null = paginator.start(options.resume);
  for (let index = 0; step; index += 1) {
    if (index >= (options.maxPages ?? 100)) throw new Error('walk did not end');
    const request = buildRequest(options.params ?? {}, step);
    const response = fetchPage(server, request);
    const records = selectRecords(response.body, options.records);
    result.steps.push(step);
    result.urls.push(request.url.href);
    result.records.push(...records);
    step = paginator.next({ index, step, requestUrl: request.url.href, response, records });
    result.nextTokens.push(step?.token ?? null);
  }
  return result;
}

function ctx(
  body: unknown,
  records: unknown[],
  headers: Record<string, string> = {},
  step: PageStep = { patch: {}, token: {} },
): PageContext {
  return { index: 0, step, requestUrl: BASE, response: { status: 200, url: BASE, headers: new Headers(headers), body }, records };
}

function catchError(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

/**
 * Walks once and checks every record arrives once, in order; then resumes a
 * fresh paginator from every step's token (each must give exactly the
 * remaining pages) and checks every "next" token rebuilds the next request.
 */
function walkCounted(make: () => Paginator, server: Server, data: readonly unknown[], options: { params?: QueryParams } = {}): Walk {
  const perPage: number[] = [];
  const counting: Server = (request) => {
    const reply = server(request);
    perPage.push(selectRecords(reply.body).length);
    return reply;
  };
  const full = walk(make(), counting, options);
  expect(full.records).toEqual(data);
  full.steps.forEach((step, i) => {
    const resumed = walk(make(), server, { ...options, resume: step.token });
    expect(resumed.urls).toEqual(full.urls.slice(i));
    expect(resumed.records).toEqual(data.slice(perPage.slice(0, i).reduce((a, b) => a + b, 0)));
  });
  full.nextTokens.forEach((token, i) => {
    if (token === null) return;
    expect(buildRequest(options.params ?? {}, make().start(token)).url.href).toBe(full.urls[i + 1]);
  });
  return full;
}

// ---------------------------------------------------------------------------
// Fake APIs
// ---------------------------------------------------------------------------

interface PagedStyle {
  total?: boolean;
  totalHeader?: boolean;
  totalPages?: boolean;
  hasMore?: boolean;
  array?: boolean;
}

/** `?page=n&per_page=s`, 1-based, default size 5. */
function pageApi(data: readonly unknown[], style: PagedStyle = {}, pageParam = 'page', sizeParam = 'per_page'): Server {
  return ({ url }) => {
    const page = Number(url.searchParams.get(pageParam) ?? 1);
    const size = Number(url.searchParams.get(sizeParam) ?? 5);
    const items = data.slice((page - 1) * size, page * size);
    const pages = Math.ceil(data.length / size);
    const headers: Record<string, string> = style.totalHeader ? { 'X-Total-Count': String(data.length) } : {};
    if (style.array) return { body: items, headers };
    const body: Record<string, unknown> = { items };
    if (style.total) body.total = data.length;
    if (style.totalPages) body.total_pages = pages;
    if (style.hasMore) body.has_more = page < pages;
    return { body, headers };
  };
}

/** `?offset=o&limit=l`. */
function offsetApi(data: readonly unknown[], style: PagedStyle = {}, offsetParam = 'offset', limitParam = 'limit'): Server {
  return ({ url }) => {
    const at = Number(url.searchParams.get(offsetParam) ?? 0);
    const limit = Number(url.searchParams.get(limitParam) ?? 5);
    const items = data.slice(at, at + limit);
    const headers: Record<string, string> = style.totalHeader ? { 'X-Total-Count': String(data.length) } : {};
    const body: Record<string, unknown> = { data: items };
    if (style.total) body.meta = { total: String(data.length) };
    if (style.totalPages) body.pages = Math.ceil(data.length / limit);
    if (style.hasMore) body.more = at + limit < data.length;
    return { body, headers };
  };
}

interface CursorStyle {
  /** What the last page says about the next cursor. */
  end: 'null' | 'missing' | 'empty' | 'hasMore' | 'emptyPage';
  fromHeader?: string;
  toHeader?: string;
  numeric?: boolean;
  param?: string;
  path?: string;
}

/** Opaque cursors: base64 of the next index. */
function cursorApi(data: readonly unknown[], style: CursorStyle): Server {
  const size = 4;
  const encode = (i: number): string | number => (style.numeric ? i : Buffer.from(`i:${i}`).toString('base64url'));
  return ({ url, headers }) => {
    const raw = style.toHeader ? headers.get(style.toHeader) : url.searchParams.get(style.param ?? 'cursor');
    const at = raw === null ? 0 : style.numeric ? Number(raw) : Number(Buffer.from(raw, 'base64url').toString().slice(2));
    const items = data.slice(at, at + size);
    const more = at + size < data.length;
    let next: string | number | null | undefined = more ? encode(at + size) : null;
    if (!more && style.end === 'missing') next = undefined;
    if (!more && style.end === 'empty') next = '';
    // These two styles hand out a cursor on the last page: something else must stop the walk.
    if (!more && (style.end === 'hasMore' || style.end === 'emptyPage') && items.length > 0) next = encode(at + size);
    const body: Record<string, unknown> = { data: items };
    if (style.end === 'hasMore') body.has_more = more;
    if (style.fromHeader) return { body, headers: next === undefined || next === null ? {} : { [style.fromHeader]: String(next) } };
    const path = (style.path ?? 'next_cursor').split('.');
    if (next !== undefined) {
      let target = body;
      for (const key of path.slice(0, -1)) {
        target[key] ??= {};
        target = target[key] as Record<string, unknown>;
      }
      target[path.at(-1) as string] = next;
    }
    return { body };
  };
}

/** Django REST framework: `{ count, next, previous, results }`. */
function drfApi(
  data: readonly unknown[],
  link: 'absolute' | 'root' | 'query' | 'path' = 'absolute',
  end: 'null' | 'missing' = 'null',
): Server {
  const size = 5;
  return ({ url }) => {
    const page = Number(url.searchParams.get('page') ?? 1);
    const results = data.slice((page - 1) * size, page * size);
    const more = page * size < data.length;
    const next = !more
      ? null
      : link === 'absolute'
        ? `https://api.test/items?page=${page + 1}&format=json`
        : link === 'root'
          ? `/items?page=${page + 1}&format=json`
          : link === 'query'
            ? `?page=${page + 1}&format=json`
            : `items?page=${page + 1}&format=json`;
    const body: Record<string, unknown> = { count: data.length, results };
    if (next !== null || end === 'null') body.next = next;
    return { body };
  };
}

/** GitHub: `Link: <…?page=2>; rel="next", <…?page=5>; rel="last"`. */
function githubApi(data: readonly unknown[], variant: 'github' | 'relative' | 'unquoted' | 'multi' = 'github'): Server {
  const size = 5;
  return ({ url }) => {
    const page = Number(url.searchParams.get('page') ?? 1);
    const last = Math.ceil(data.length / size);
    const href = (n: number): string => (variant === 'relative' ? `/items?page=${n}&a=1,2` : `https://api.test/items?page=${n}&a=1,2`);
    const links: string[] = [];
    if (page > 1) links.push(`<${href(1)}>; rel="first"`, `<${href(page - 1)}>; rel="prev"`);
    if (page < last) {
      if (variant === 'unquoted') links.push(`<${href(page + 1)}>; rel=NEXT`);
      else if (variant === 'multi') links.push(`<${href(page + 1)}>; title="a, b; c"; rel="Next nofollow"`);
      else links.push(`<${href(page + 1)}>; rel="next"`);
      links.push(`<${href(last)}>; rel="last"`);
    }
    const headers: Record<string, string> = links.length ? { Link: links.join(', ') } : {};
    return { body: data.slice((page - 1) * size, page * size), headers };
  };
}

// ---------------------------------------------------------------------------

describe('pageNumber', () => {
  const cases: Array<[string, PagedStyle, Record<string, unknown>, QueryParams, number, number]> = [
    // name, style, options, params, records, expected requests
    ['empty page', {}, {}, {}, 20, 5],
    ['short page (per_page auto)', {}, {}, { per_page: 5 }, 23, 5],
    ['short page (pageSize + sizeParam sent)', {}, { pageSize: 4, sizeParam: 'per_page' }, {}, 10, 3],
    ['total in body', { total: true }, { totalPath: 'total' }, { per_page: 5 }, 20, 4],
    ['X-Total-Count', { totalHeader: true }, {}, { per_page: 5 }, 20, 4],
    ['total pages', { totalPages: true }, { totalPagesPath: 'total_pages' }, {}, 20, 4],
    ['has_more false', { hasMore: true }, { hasMorePath: 'has_more' }, {}, 20, 4],
    ['array body + X-Total-Count', { array: true, totalHeader: true }, {}, { per_page: 5 }, 15, 3],
  ];
  it.each(cases)('%s: every record once, in order, resumable', (_name, style, options, params, n, requests) => {
    const data = rows(n);
    const full = walkCounted(() => pageNumber(options, { params }), pageApi(data, style), data, { params });
    expect(full.steps.length).toBe(requests);
    expect(full.steps.map((s) => s.token)).toEqual(Array.from({ length: requests }, (_, i) => ({ page: i + 1 })));
  });

  it('sends the size param when both pageSize and sizeParam are set', () => {
    const step = pageNumber({ pageSize: 50, sizeParam: 'limit' }).start();
    expect(step).toEqual({ patch: { params: { page: 1, limit: 50 } }, token: { page: 1 } });
  });

  it('honours pageParam, start and a zero-based total pages', () => {
    const data = rows(9);
    const server: Server = ({ url }) => {
      const p = Number(url.searchParams.get('p'));
      return { body: { items: data.slice(p * 3, p * 3 + 3), pages: 3 } };
    };
    const full = walk(pageNumber({ pageParam: 'p', start: 0, totalPagesPath: 'pages' }), server);
    expect(full.records).toEqual(data);
    expect(full.urls).toEqual([0, 1, 2].map((p) => `${BASE}?p=${p}`));
  });

  it('stopOnEmpty: false keeps going past an empty page until another condition', () => {
    const data = rows(10);
    const server: Server = ({ url }) => {
      const page = Number(url.searchParams.get('page'));
      // Page 2 is empty (a filtered page), page 3 has the rest.
      const items = page === 1 ? data.slice(0, 5) : page === 2 ? [] : data.slice(5);
      return { body: { items, has_more: page < 3 } };
    };
    expect(walk(pageNumber({ hasMorePath: 'has_more', stopOnEmpty: false }), server).records).toEqual(data);
    expect(walk(pageNumber({ hasMorePath: 'has_more' }), server).records).toEqual(data.slice(0, 5));
  });

  it('a first page holding the whole total is the last even without a page size', () => {
    const data = rows(3);
    expect(walk(pageNumber(), pageApi(data, { totalHeader: true })).steps).toHaveLength(1);
  });

  it('ahead: page + k, null past a learned last page', () => {
    const p = pageNumber({}, { params: { per_page: 5 } });
    const first = p.start();
    expect(p.ahead?.(first, 3)).toEqual({ patch: { params: { page: 4 } }, token: { page: 4 } });
    p.next(ctx({ items: rows(5) }, rows(5), { 'X-Total-Count': '12' }, first));
    expect(p.ahead?.(first, 2)?.token).toEqual({ page: 3 });
    expect(p.ahead?.(first, 3)).toBeNull();
  });

  it('a windowed walk with a total sends no request past the end', () => {
    const data = rows(20);
    const { records, urls } = windowedWalk(
      () => pageNumber({}, { params: { per_page: 5 } }),
      pageApi(data, { totalHeader: true }),
      { per_page: 5 },
      3,
    );
    expect(records).toEqual(data);
    expect(urls).toHaveLength(4);
  });

  it('rejects a bad resume token', () => {
    const error = catchError(() => pageNumber().start({ page: 'two' }));
    expect(error).toBeInstanceOf(PaginationError);
    expect(error.message).toBe('pageNumber paginator: cannot resume from token {"page":"two"}: expected { page: integer >= 0 }');
  });

  it('describes itself', () => {
    expect(pageNumber({}, { params: { per_page: 50 } }).describe()).toBe('pageNumber (param "page" from 1, page size 50 from "per_page")');
  });
});

/** Mimics the concurrent driver: keeps `width` pages in flight using `ahead`. */
function windowedWalk(make: () => Paginator, server: Server, params: QueryParams, width: number): { records: unknown[]; urls: string[] } {
  const p = make();
  const urls: string[] = [];
  const records: unknown[] = [];
  const launch = (step: PageStep): { step: PageStep; request: FakeRequest } => {
    const request = buildRequest(params, step);
    urls.push(request.url.href);
    return { step, request };
  };
  const queue = [launch(p.start())];
  for (let index = 0; queue.length > 0; index += 1) {
    while (queue.length < width) {
      const next = p.ahead?.((queue.at(-1) as { step: PageStep }).step, 1);
      if (!next) break;
      queue.push(launch(next));
    }
    const head = queue.shift() as { step: PageStep; request: FakeRequest };
    const response = fetchPage(server, head.request);
    const page = selectRecords(response.body);
    records.push(...page);
    const next = p.next({ index, step: head.step, requestUrl: head.request.url.href, response, records: page });
    if (!next) break;
    if (queue.length === 0) queue.push(launch(next));
    else expect(queue[0]?.step.token).toEqual(next.token);
  }
  return { records, urls };
}

describe('offset', () => {
  const cases: Array<[string, PagedStyle, Record<string, unknown>, number, number]> = [
    ['empty page', {}, { limit: 5 }, 20, 5],
    ['short page', {}, { limit: 5 }, 23, 5],
    ['total in body (numeric string)', { total: true }, { limit: 5, totalPath: 'meta.total' }, 20, 4],
    ['X-Total-Count', { totalHeader: true }, { limit: 5 }, 20, 4],
    ['total pages', { totalPages: true }, { limit: 5, totalPagesPath: 'pages' }, 20, 4],
    ['has_more false', { hasMore: true }, { limit: 5, hasMorePath: 'more' }, 20, 4],
  ];
  it.each(cases)('%s: every record once, in order, resumable', (_name, style, options, n, requests) => {
    const data = rows(n);
    const full = walkCounted(() => offset(options), offsetApi(data, style), data);
    expect(full.steps.map((s) => s.token)).toEqual(Array.from({ length: requests }, (_, i) => ({ offset: i * 5 })));
    expect(full.urls[1]).toBe(`${BASE}?offset=5&limit=5`);
  });

  it('takes the limit from the base params and custom param names', () => {
    const data = rows(7);
    const params = { _limit: 3 };
    const full = walk(offset({ offsetParam: '_start', limitParam: '_limit' }, { params }), offsetApi(data, {}, '_start', '_limit'), {
      params,
    });
    expect(full.records).toEqual(data);
    expect(full.urls).toEqual([0, 3, 6].map((o) => `${BASE}?_start=${o}&_limit=3`));
  });

  it('starts at `start`', () => {
    expect(walk(offset({ limit: 5, start: 15 }), offsetApi(rows(20))).records).toEqual(rows(20).slice(15));
  });

  it('ahead: offset + k·limit, null at or past a known total', () => {
    const p = offset({ limit: 10 });
    const first = p.start();
    expect(p.ahead?.(first, 2)).toEqual({ patch: { params: { offset: 20, limit: 10 } }, token: { offset: 20 } });
    p.next(ctx({ data: rows(10) }, rows(10), { 'X-Total-Count': '25' }, first));
    expect(p.ahead?.(first, 2)?.token).toEqual({ offset: 20 });
    expect(p.ahead?.(first, 3)).toBeNull();
  });

  it('windowed walk with a total requests exactly the pages there are', () => {
    const data = rows(22);
    const { records, urls } = windowedWalk(() => offset({ limit: 5 }), offsetApi(data, { totalHeader: true }), {}, 4);
    expect(records).toEqual(data);
    expect(urls).toHaveLength(5);
  });

  it('needs a limit', () => {
    const error = catchError(() => offset({}));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).path).toBe('paginator.limit');
  });
});

describe('cursor', () => {
  const ends: CursorStyle['end'][] = ['null', 'missing', 'empty', 'hasMore', 'emptyPage'];
  it.each(ends)('last page signalled by %s: every record once, resumable', (end) => {
    const data = rows(10);
    const full = walkCounted(() => cursor(), cursorApi(data, { end }), data);
    expect(full.steps[0]?.token).toEqual({ cursor: null });
    expect(full.steps.length).toBe(end === 'emptyPage' ? 4 : 3);
  });

  it('has_more false stops only when read (auto-read at the top level, or hasMorePath)', () => {
    const data = rows(8);
    const server: Server = ({ url }) => {
      const at = Number(url.searchParams.get('cursor') ?? 0);
      return { body: { data: data.slice(at, at + 4), meta: { more: at + 4 < 8 }, next_cursor: String(at + 4) } };
    };
    expect(walk(cursor({ hasMorePath: 'meta.more' }), server).steps).toHaveLength(2);
    // Unread, the nested flag changes nothing: the empty third page ends the walk.
    const unread = walk(cursor(), server);
    expect(unread.steps).toHaveLength(3);
    expect(unread.records).toEqual(data);
  });

  it('reads the cursor from a header and sends it as a header', () => {
    const data = rows(9);
    walkCounted(
      () => cursor({ cursorHeader: 'X-Next-Cursor', cursorRequestHeader: 'X-Cursor' }),
      cursorApi(data, { end: 'null', fromHeader: 'X-Next-Cursor', toHeader: 'X-Cursor' }),
      data,
    );
    expect(cursor({ cursorRequestHeader: 'X-Cursor' }).start({ cursor: 'abc' }).patch).toEqual({ headers: { 'X-Cursor': 'abc' } });
  });

  it('turns numeric cursors into strings; custom path and param', () => {
    const data = rows(10);
    const full = walkCounted(
      () => cursor({ cursorPath: 'paging.after', cursorParam: 'after' }),
      cursorApi(data, { end: 'null', numeric: true, param: 'after', path: 'paging.after' }),
      data,
    );
    expect(full.steps.map((s) => s.token)).toEqual([{ cursor: null }, { cursor: '4' }, { cursor: '8' }]);
  });

  it('keeps big integer cursors from lossless-json exact', () => {
    const big = { isLosslessNumber: true, value: '1234567890123456789' };
    const next = cursor().next(ctx({ data: [1], next_cursor: big }, [1]));
    expect(next?.token).toEqual({ cursor: '1234567890123456789' });
  });

  it('throws on a cursor that is neither string nor number', () => {
    const error = catchError(() => cursor().next(ctx({ data: [1], next_cursor: { a: 1 } }, [1])));
    expect(error.message).toBe('cursor paginator: next cursor at body "next_cursor" must be a string or a number, got {"a":1}');
  });

  it('describes itself', () => {
    expect(cursor().describe()).toBe('cursor (body "next_cursor" → query "cursor")');
    expect(cursor({ cursorHeader: 'X-Next', cursorRequestHeader: 'X-Cursor' }).describe()).toBe('cursor (header X-Next → header X-Cursor)');
  });
});

describe('nextUrl', () => {
  const links = ['absolute', 'root', 'query', 'path'] as const;
  it.each(links)('%s next URLs are followed to the end, resumable', (link) => {
    const data = rows(12);
    const full = walkCounted(() => nextUrl(), drfApi(data, link), data);
    expect(full.urls).toEqual([BASE, `${BASE}?page=2&format=json`, `${BASE}?page=3&format=json`]);
    expect(full.steps[0]?.token).toEqual({ url: null });
    expect(full.steps[1]?.token).toEqual({ url: `${BASE}?page=2&format=json` });
  });

  it('stops when next is missing', () => {
    const data = rows(12);
    expect(walk(nextUrl(), drfApi(data, 'absolute', 'missing')).records).toEqual(data);
  });

  it('reads a nested path', () => {
    const body = { data: [1], links: { next: '/items?page=2' } };
    expect(nextUrl({ nextPath: 'links.next' }).next(ctx(body, [1]))?.patch).toEqual({ url: `${BASE}?page=2` });
  });

  it('throws on a next that is not a string', () => {
    const error = catchError(() => nextUrl().next(ctx({ results: [1], next: 2 }, [1])));
    expect(error).toBeInstanceOf(PaginationError);
    expect(error.message).toBe('nextUrl paginator: next URL at "next" must be a string, got 2');
  });

  it('rejects a token whose url is not absolute', () => {
    expect(() => nextUrl().start({ url: '/relative' })).toThrow(PaginationError);
  });
});

describe('linkHeader', () => {
  const variants = ['github', 'relative', 'unquoted', 'multi'] as const;
  it.each(variants)('%s Link headers are followed to the end, resumable', (variant) => {
    const data = rows(13);
    const full = walkCounted(() => linkHeader(), githubApi(data, variant), data);
    expect(full.urls).toEqual([BASE, `${BASE}?page=2&a=1,2`, `${BASE}?page=3&a=1,2`]);
  });

  it('follows another rel', () => {
    const p = linkHeader({ rel: 'prev' });
    const next = p.next(ctx([1], [1], { Link: '<https://api.test/items?page=1>; rel="prev"' }));
    expect(next?.token).toEqual({ url: 'https://api.test/items?page=1' });
    expect(p.describe()).toBe('linkHeader (Link rel="prev")');
  });

  it('stops without a Link header', () => {
    expect(linkHeader().next(ctx([1], [1]))).toBeNull();
  });
});

describe('parseLinkHeader', () => {
  const base = 'https://api.test/v1/items?page=1';

  it('parses several links with quoted and unquoted rels', () => {
    expect(parseLinkHeader('<https://a.test/?page=2>; rel="next", <https://a.test/?page=9>; rel=last', base)).toEqual([
      { url: 'https://a.test/?page=2', rel: ['next'], params: { rel: 'next' } },
      { url: 'https://a.test/?page=9', rel: ['last'], params: { rel: 'last' } },
    ]);
  });

  it('keeps commas and semicolons inside URLs and quoted values', () => {
    const links = parseLinkHeader('<https://a.test/?ids=1,2;3>; title="x, y; z"; rel="next", </p?x=a,b>; rel=prev', base);
    expect(links.map((l) => l.url)).toEqual(['https://a.test/?ids=1,2;3', 'https://api.test/p?x=a,b']);
    expect(links[0]?.params).toEqual({ title: 'x, y; z', rel: 'next' });
  });

  it('splits multi-valued, case-insensitive rels', () => {
    const [link] = parseLinkHeader('<p2>; REL="Next  Last"', base);
    expect(link).toEqual({ url: 'https://api.test/v1/p2', rel: ['next', 'last'], params: { rel: 'Next  Last' } });
  });

  it('resolves relative URLs against the base', () => {
    expect(parseLinkHeader('<?page=2>; rel="next"', base)[0]?.url).toBe('https://api.test/v1/items?page=2');
    expect(parseLinkHeader('</items?page=2>; rel="next"', base)[0]?.url).toBe('https://api.test/items?page=2');
    expect(parseLinkHeader('<../other>; rel="next"', base)[0]?.url).toBe('https://api.test/other');
  });

  it('first rel wins, extended values are decoded and win, escapes unquoted', () => {
    const [link] = parseLinkHeader(`<x>; rel="next"; rel="prev"; title*=UTF-8'en'caf%C3%A9; title="cafe"; q="a\\"b"`, base);
    expect(link?.rel).toEqual(['next']);
    expect(link?.params).toEqual({ rel: 'next', title: 'café', q: 'a"b' });
  });

  it('skips malformed parts and links without a rel', () => {
    const links = parseLinkHeader(
      'garbage, <https://a.test/1>; rel="next",, <https://a.test/2>, bad"quoted,stuff", <https://a.test/3>;rel=last',
      base,
    );
    expect(links.map((l) => [l.url, l.rel])).toEqual([
      ['https://a.test/1', ['next']],
      ['https://a.test/2', []],
      ['https://a.test/3', ['last']],
    ]);
    expect(parseLinkHeader('', base)).toEqual([]);
    expect(parseLinkHeader('<https://a.test/unterminated; rel="next"', base)).toEqual([]);
  });
});

describe('single', () => {
  it('makes one request', () => {
    const p = single();
    const full = walk(p, () => ({ body: rows(3) }));
    expect(full.records).toEqual(rows(3));
    expect(full.steps).toEqual([{ patch: {}, token: {} }]);
    expect(p.describe()).toBe('single');
  });
});

describe('stop conditions', () => {
  it('reads totals from the body or X-Total-Count and validates them', () => {
    const page = ctx({ meta: { total: '40' }, pages: 8 }, [1], { 'X-Total-Count': '41' });
    expect(checkStop('offset', { totalPath: 'meta.total', totalPagesPath: 'pages' }, page, { totals: true })).toEqual({
      reason: undefined,
      totalRecords: 40,
      totalPages: 8,
    });
    expect(checkStop('offset', {}, page, { totals: true }).totalRecords).toBe(41);
    expect(checkStop('offset', {}, page).totalRecords).toBeUndefined();
  });

  it.each([
    [
      { totalPath: 'meta.total' },
      { meta: { total: 'many' } },
      {},
      'offset paginator: total at "meta.total" must be a non-negative integer, got "many"',
    ],
    [{ totalPath: 'total' }, { total: -1 }, {}, 'offset paginator: total at "total" must be a non-negative integer, got -1'],
    [{ totalPagesPath: 'pages' }, { pages: 2.5 }, {}, 'offset paginator: total at "pages" must be a non-negative integer, got 2.5'],
    [{}, {}, { 'X-Total-Count': 'lots' }, 'offset paginator: total at header X-Total-Count must be a non-negative integer, got "lots"'],
  ])('a bad total throws naming the path and value (%j)', (options, body, headers, message) => {
    const error = catchError(() => checkStop('offset', options, ctx(body, [1], headers), { totals: true }));
    expect(error).toBeInstanceOf(PaginationError);
    expect(error.message).toBe(message);
  });

  it('reports why a page is the last', () => {
    expect(checkStop('x', {}, ctx([], [])).reason).toBe('empty page');
    expect(checkStop('x', { stopOnEmpty: false }, ctx([], [])).reason).toBeUndefined();
    expect(checkStop('x', {}, ctx([1], [1]), { pageSize: 2 }).reason).toBe('short page (1 < 2 records)');
    expect(checkStop('x', { hasMorePath: 'meta.more' }, ctx({ meta: { more: 'false' } }, [1])).reason).toBe('meta.more is false');
    expect(checkStop('x', {}, ctx({ hasMore: false }, [1]), { autoHasMore: true }).reason).toBe('hasMore is false');
    expect(checkStop('x', {}, ctx({ hasMore: false }, [1])).reason).toBeUndefined();
    expect(() => checkStop('x', { hasMorePath: 'more' }, ctx({ more: 'perhaps' }, [1]))).toThrow(
      'x paginator: "more" must be a boolean, got "perhaps"',
    );
  });
});

describe('auto', () => {
  const detectAndWalk = (server: Server, data: readonly unknown[], params: QueryParams = {}): { p: AutoPaginator; full: Walk } => {
    const full = walkCounted(() => auto({}, { params }), server, data, { params });
    const p = auto({}, { params });
    walk(p, server, { params });
    return { p, full };
  };

  it('says it has not detected anything yet', () => {
    const p = auto();
    expect(p.detected()).toBeUndefined();
    expect(p.describe()).toBe('auto (strategy detected from the first response)');
    expect(p.start()).toEqual({ patch: {}, token: {} });
    expect(p.ahead?.(p.start(), 1)).toBeNull();
  });

  it('detects a Link header', () => {
    const { p } = detectAndWalk(githubApi(rows(12)), rows(12));
    expect(p.detected()).toBe('linkHeader');
    expect(p.describe()).toBe('auto: linkHeader (Link rel="next")');
  });

  it.each([
    ['next', { results: [1], next: 'https://api.test/items?page=2' }],
    ['links.next', { data: [1], links: { next: '/items?page=2' } }],
    ['pagination.next', { data: [1], pagination: { next: '?page=2' } }],
    ['next_page_url', { data: [1], next_page_url: 'HTTPS://api.test/items?page=2' }],
    ['_links.next.href', { items: [1], _links: { next: { href: '/items?page=2' } } }],
    ['paging.next', { data: [1], paging: { next: 'https://api.test/items?page=2' } }],
  ])('detects a next URL at %s', (path, body) => {
    const p = auto();
    const next = p.next(ctx(body, [1], {}, p.start()));
    expect(p.detected()).toBe('nextUrl');
    expect(p.describe()).toBe(`auto: nextUrl (body "${path}")`);
    expect(next?.patch).toEqual({ url: 'https://api.test/items?page=2' });
    expect(next?.token).toEqual({ detected: { type: 'nextUrl', nextPath: path }, token: { url: 'https://api.test/items?page=2' } });
  });

  it('walks a DRF API end to end', () => {
    const { p } = detectAndWalk(drfApi(rows(12), 'root'), rows(12), { page_size: 5 });
    expect(p.describe()).toBe('auto: nextUrl (body "next")');
  });

  it('takes next: null as the only page of a next-URL API, even with a page param', () => {
    const data = rows(3);
    const { full, p } = detectAndWalk(drfApi(data), data, { page: 1 });
    expect(full.steps).toHaveLength(1);
    expect(p.detected()).toBe('nextUrl');
  });

  it.each([
    ['next_cursor', 'cursor'],
    ['nextCursor', 'cursor'],
    ['cursor.next', 'cursor'],
    ['pagination.next_cursor', 'cursor'],
    ['next_page_token', 'page_token'],
    ['nextPageToken', 'pageToken'],
    ['meta.next_cursor', 'cursor'],
  ])('detects a cursor at %s sent as %s', (path, param) => {
    const data = rows(10);
    const { p } = detectAndWalk(cursorApi(data, { end: 'null', path, param }), data);
    expect(p.detected()).toBe('cursor');
    expect(p.describe()).toBe(`auto: cursor (body "${path}" → query "${param}")`);
  });

  it('detects page numbers with X-Total-Count', () => {
    const data = rows(250);
    const server = pageApi(data, { totalHeader: true, array: true }, 'page', 'per_page');
    const { p, full } = detectAndWalk(server, data, { page: 1, per_page: 50 });
    expect(p.describe()).toBe('auto: pageNumber (param "page", page size 50 from "per_page", total 250 from X-Total-Count)');
    expect(full.steps).toHaveLength(5);
    const bare = auto({}, { params: { page: 1 } });
    bare.next(ctx([1, 2], [1, 2], { 'X-Total-Count': '250' }));
    expect(bare.describe()).toBe('auto: pageNumber (param "page", total 250 from X-Total-Count)');
  });

  it('detects json-server _page/_limit and body totals', () => {
    const data = rows(12);
    const server: Server = ({ url }) => {
      const page = Number(url.searchParams.get('_page'));
      return { body: { data: data.slice((page - 1) * 5, page * 5), total_pages: 3, total: 12 } };
    };
    const { p, full } = detectAndWalk(server, data, { _page: 1, _limit: 5 });
    expect(full.steps).toHaveLength(3);
    expect(p.describe()).toBe(
      'auto: pageNumber (param "_page", page size 5 from "_limit", 3 pages from body "total_pages", total 12 from body "total")',
    );
  });

  it('does not trust a count that could be the page size', () => {
    const p = auto({}, { params: { page: 1 } });
    p.next(ctx({ items: [1, 2], count: 2 }, [1, 2]));
    expect(p.describe()).toBe('auto: pageNumber (param "page")');
  });

  it('needs a total to read a generic page param name', () => {
    const withTotal = auto({}, { params: { pageNumber: 1 } });
    withTotal.next(ctx({ items: [1], totalPages: 4 }, [1]));
    expect(withTotal.describe()).toBe('auto: pageNumber (param "pageNumber", 4 pages from body "totalPages")');
    const without = auto({}, { params: { pageNumber: 1 } });
    without.next(ctx({ items: [1] }, [1]));
    expect(without.detected()).toBe('single');
  });

  it('detects offset/limit', () => {
    const data = rows(12);
    const { p, full } = detectAndWalk(offsetApi(data), data, { offset: 0, limit: 5 });
    expect(p.describe()).toBe('auto: offset (param "offset", limit 5 from "limit")');
    expect(full.steps.map((s) => s.token)).toEqual([
      {},
      { detected: { type: 'offset', offsetParam: 'offset', limitParam: 'limit', start: 0 }, token: { offset: 5 } },
      { detected: { type: 'offset', offsetParam: 'offset', limitParam: 'limit', start: 0 }, token: { offset: 10 } },
    ]);
  });

  it('falls back to a single request', () => {
    const { p, full } = detectAndWalk(() => ({ body: { data: rows(3) } }), rows(3));
    expect(full.steps).toHaveLength(1);
    expect(p.detected()).toBe('single');
    expect(p.describe()).toBe('auto: single (no pagination found)');
  });

  it('resumes from a token without a response', () => {
    const token = { detected: { type: 'cursor', cursorPath: 'nextPageToken', cursorParam: 'pageToken' }, token: { cursor: 'abc' } };
    const p = auto();
    const step = p.start(token);
    expect(step).toEqual({ patch: { params: { pageToken: 'abc' } }, token });
    expect(p.detected()).toBe('cursor');
    expect(p.describe()).toBe('auto: cursor (body "nextPageToken" → query "pageToken")');
    expect(p.next(ctx({ items: [1], nextPageToken: 'def' }, [1], {}, step))?.token).toEqual({ ...token, token: { cursor: 'def' } });
  });

  it('prefetches with ahead once page numbers are detected', () => {
    const data = rows(20);
    const params = { page: 1, per_page: 5 };
    const { records, urls } = windowedWalk(() => auto({}, { params }), pageApi(data, { totalHeader: true }), params, 3);
    expect(records).toEqual(data);
    expect(urls).toHaveLength(4);
  });

  it('passes stop options to the detected strategy', () => {
    const p = auto({ hasMorePath: 'more' }, { params: { page: 1 } });
    expect(p.next(ctx({ items: [1], more: false }, [1]))).toBeNull();
  });

  it('rejects a token it cannot rebuild', () => {
    const tokens: PageToken[] = [
      { detected: { type: 'magic' }, token: {} },
      { detected: 'cursor' },
      { detected: { type: 'offset' }, token: { offset: 0 } },
    ];
    for (const token of tokens) {
      const error = catchError(() => auto().start(token));
      expect(error).toBeInstanceOf(PaginationError);
      expect(error.message).toMatch(/^auto paginator: cannot resume from token/);
    }
  });
});

describe('selectRecords', () => {
  it('finds records by default', () => {
    expect(selectRecords([1, 2])).toEqual([1, 2]);
    expect(selectRecords({ count: 2, results: [1, 2] })).toEqual([1, 2]);
    expect(selectRecords({ data: { id: 1 }, items: [3] }, 'auto')).toEqual([3]);
    expect(selectRecords({ records: [] })).toEqual([]);
    expect(selectRecords({ data: null })).toEqual([]);
    expect(describeRecordsPath([1])).toBe('$');
    expect(describeRecordsPath({ next: null, items: [] })).toBe('items');
    expect(describeRecordsPath({ coins: [] })).toBeUndefined();
  });

  it('follows an explicit path', () => {
    const body = { data: { items: [1, 2], one: { id: 1 }, none: null, n: 3 } };
    expect(selectRecords(body, 'data.items')).toEqual([1, 2]);
    expect(selectRecords(body, '$.data.items')).toEqual([1, 2]);
    expect(selectRecords([4], '$')).toEqual([4]);
    expect(selectRecords(body, 'data.one')).toEqual([{ id: 1 }]);
    expect(selectRecords(body, 'data.none')).toEqual([]);
    expect(() => selectRecords(body, 'data.n')).toThrow(
      'records paginator: records path "data.n" holds a number (3), expected an array or an object',
    );
  });

  it('says what it found when records are missing', () => {
    expect(() => selectRecords({ count: 0, next: null, results: [] }, 'data')).toThrow(
      'records paginator: records path "data" not found; top-level keys: count, next, results',
    );
    expect(() => selectRecords({ coins: [], next_cursor: 'x' })).toThrow(
      'records paginator: no records array found at data, results, items, records; top-level keys: coins, next_cursor; set the records path, e.g. "coins"',
    );
    expect(() => selectRecords('<html>')).toThrow(
      'records paginator: no records: the body is a string ("<html>"), expected a JSON array or object',
    );
    expect(() => selectRecords(42, 'data')).toThrow('records path "data" not found; the body is a number (42)');
    expect(() => selectRecords({}, 'data', 'cursor')).toThrow(/^cursor paginator: /);
    const error = catchError(() => selectRecords({}, 'a..b'));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).path).toBe('records');
  });
});

describe('createPaginator', () => {
  const configError = (config: unknown, init = {}, path?: string): ConfigError => {
    const error = catchError(() => createPaginator(config as PaginatorConfig, init, path));
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  };

  it('builds every type from a config, a name or nothing', () => {
    expect(paginatorTypes).toEqual(['pageNumber', 'offset', 'cursor', 'nextUrl', 'linkHeader', 'relay', 'single', 'auto']);
    expect(createPaginator({ type: 'offset', limit: 10 }).type).toBe('offset');
    expect(createPaginator('cursor').type).toBe('cursor');
    expect(createPaginator(undefined).type).toBe('auto');
    for (const type of paginatorTypes) {
      // offset needs a limit and relay a pageInfoPath: no name alone builds them.
      if (type !== 'offset' && type !== 'relay') expect(createPaginator(type).type).toBe(type);
    }
    const custom: Paginator = { type: 'mine', start: () => ({ patch: {}, token: {} }), next: () => null, describe: () => 'mine' };
    expect(createPaginator(custom)).toBe(custom);
  });

  it('passes base params to the strategy', () => {
    expect(createPaginator({ type: 'offset' }, { params: { limit: '25' } }).start().patch.params).toEqual({ offset: 0, limit: 25 });
  });

  it('lists the valid types for an unknown one', () => {
    const error = configError({ type: 'pages' });
    expect(error.path).toBe('paginator.type');
    expect(error.message).toBe(
      'paginator.type: unknown paginator type "pages"; expected one of pageNumber, offset, cursor, nextUrl, linkHeader, relay, single, auto',
    );
    expect(configError('cursors', {}, 'sources.api.resources.items.paginator').path).toBe('sources.api.resources.items.paginator.type');
    expect(configError({ limit: 1 }).message).toMatch(/^paginator\.type: missing paginator type; expected one of pageNumber/);
    expect(configError(42).path).toBe('paginator');
  });

  it('suggests the closest type for a misspelt one', () => {
    expect(configError({ type: 'cursors' }).message).toBe(
      'paginator.type: unknown paginator type "cursors" (did you mean "cursor"?); expected one of pageNumber, offset, cursor, nextUrl, linkHeader, relay, single, auto',
    );
  });

  it('knows the strategies of the one table auto detects from, and auto', () => {
    expect([...Object.keys(strategies), 'auto']).toEqual(paginatorTypes);
    // Each strategy checks its options with the schema it exports.
    for (const [type, strategy] of Object.entries(strategies)) {
      expect(strategy.schema.safeParse({ type, maxPages: 0 }).success, type).toBe(false);
    }
  });

  it('names an unknown option and the valid ones', () => {
    const error = configError({ type: 'offset', limt: 5 });
    expect(error.path).toBe('paginator.limt');
    expect(error.message).toBe(
      'paginator.limt: unknown option "limt" for the offset paginator (did you mean "limit"?); valid options: type, offsetParam, limitParam, in, limit, start, stopOnEmpty, pageSize, totalPath, totalPagesPath, hasMorePath, maxPages',
    );
    expect(configError({ type: 'single', pageSize: 5 }).message).toBe(
      'paginator.pageSize: unknown option "pageSize" for the single paginator; valid options: type',
    );
  });

  it.each([
    [{ type: 'offset', limit: 'ten' }, 'paginator.limit', 'expected a positive integer, got "ten"'],
    [{ type: 'pageNumber', start: -1 }, 'paginator.start', 'expected a non-negative integer, got -1'],
    [{ type: 'auto', maxPages: 0 }, 'paginator.maxPages', 'expected a positive integer, got 0'],
    [{ type: 'cursor', stopOnEmpty: 'no' }, 'paginator.stopOnEmpty', 'expected true or false, got "no"'],
    [{ type: 'pageNumber', pageParam: '' }, 'paginator.pageParam', 'expected a non-empty string, got ""'],
    [{ type: 'cursor', cursorRequestHeader: 'X Cursor' }, 'paginator.cursorRequestHeader', 'expected an HTTP header name, got "X Cursor"'],
    [{ type: 'offset', limit: 5, pageSize: 2.5 }, 'paginator.pageSize', 'expected a positive integer, got 2.5'],
    [
      { type: 'cursor', cursorPath: 'a', cursorHeader: 'X-Next' },
      'paginator.cursorHeader',
      'set either cursorPath or cursorHeader, not both',
    ],
    [{ type: 'offset' }, 'paginator.limit', 'required: set limit, or put a positive "limit" in the request params'],
  ])('rejects %j at its path', (config, path, message) => {
    const error = configError(config);
    expect(error.path).toBe(path);
    expect(error.message).toBe(`${path}: ${message}`);
  });

  it('rejects a JSON path that does not parse, naming the option', () => {
    const error = configError({ type: 'nextUrl', nextPath: 'links..next' });
    expect(error.path).toBe('paginator.nextPath');
    expect(error.message).toMatch(/^paginator\.nextPath: expected a valid JSON path \(invalid JSON path "links\.\.next" at character \d+/);
    expect(configError({ type: 'auto', totalPath: 'a[' }).path).toBe('paginator.totalPath');
  });
});
