// Every pagination strategy × every stop condition it supports, over real HTTP
// on 127.0.0.1: the walk yields exactly the server's records, once each, in
// order, and the server's request log shows it asked for nothing past the end.

import { type Page, type PaginateOptions, paginate, type WalkEvent } from 'siphon-sync';
import { afterEach, describe, expect, it } from 'vitest';
import { sleep } from './helpers/async.js';
import { type SeenRequest, sendJson, startServer, type TestServer } from './helpers/test-server.js';

type Rec = { id: number };
/** Records `from + 1 … to` (ids are 1-based). */
const range = (from: number, to: number): Rec[] => Array.from({ length: Math.max(0, to - from) }, (_, i) => ({ id: from + i + 1 }));
/** What the server knows about the page it is answering. */
interface Slice {
  readonly records: Rec[];
  /** 0-based offset of the page's first record. */
  readonly from: number;
  readonly size: number;
  readonly n: number;
  /** Offset of the next page, `null` when this page reaches the end. */
  readonly next: number | null;
  /** `http://127.0.0.1:port` of the server. */
  readonly origin: string;
}
type Reply = { body: unknown; headers?: Record<string, string> };
/** Where a request starts in the dataset (0-based offset), given the page size. */
type Position = (req: SeenRequest, size: number) => number;

interface Case {
  name: string;
  /** Records on the server. */
  n: number;
  at: Position;
  reply: (s: Slice) => Reply;
  opts: Omit<PaginateOptions, 'url'>;
  /** What identifies a request in the log (page, offset, cursor, URL). */
  ask: (req: SeenRequest) => string;
  /** The expected request log, in order. */
  asked: string[];
  /** Records the walk should yield (default: all `n`) — fewer only with `maxPages`. */
  yields?: number;
  /** The end is known in advance (total, total pages, maxPages): prefetching must not pass it either. */
  exact?: boolean;
  /** Expected `detected` event of `auto`. */
  detected?: string;
}

// --- the generic server --------------------------------------------------------------

const SIZE_PARAMS = ['per_page', 'limit', 'take', 'count'];
const DEFAULT_SIZE = 5;
const PATH = '/api/items';

const q = (req: SeenRequest, name: string): string | null => req.url.searchParams.get(name);
const byPage =
  (param = 'page', start = 1): Position =>
  (req, size) =>
    (Number(q(req, param) ?? start) - start) * size;
const byOffset =
  (param = 'offset'): Position =>
  (req) =>
    Number(q(req, param) ?? 0);
const byFrom: Position = (req) => Number(q(req, 'from') ?? 0);
/** Cursors are `c<offset>` or a bare number, from the query or a request header. */
const byCursor =
  (header?: string): Position =>
  (req) => {
    const raw = header === undefined ? q(req, 'cursor') : req.headers[header];
    return raw ? Number(String(raw).replace(/^c/, '')) : 0;
  };

async function serve(c: Case, concurrency: number) {
  let inFlight = 0;
  let maxInFlight = 0;
  const api = await startServer(async (_req, res, seen, index) => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    // Under concurrency, later requests often answer first: order must come from the walk.
    if (concurrency > 1) await sleep(((index * 7) % 4) * 6);
    const asked = SIZE_PARAMS.map((name) => Number(q(seen, name))).find((v) => Number.isInteger(v) && v > 0);
    const size = asked ?? DEFAULT_SIZE;
    const from = c.at(seen, size);
    const next = from + size < c.n ? from + size : null;
    const origin = `http://${seen.headers.host ?? ''}`;
    const { body, headers } = c.reply({ records: range(from, Math.min(from + size, c.n)), from, size, n: c.n, next, origin });
    inFlight -= 1;
    sendJson(res, 200, body, headers);
  });
  servers.push(api);
  return { api, maxInFlight: () => maxInFlight };
}

// --- replies and expected logs -----------------------------------------------------------

const plain = (s: Slice): Reply => ({ body: s.records });
const totalHeader = (s: Slice): Reply => ({ body: s.records, headers: { 'x-total-count': String(s.n) } });
const data =
  (extra: (s: Slice) => Record<string, unknown>) =>
  (s: Slice): Reply => ({ body: { data: s.records, ...extra(s) } });
const href = (s: Slice, from: number, form: 'absolute' | 'root' | 'path' = 'absolute'): string =>
  form === 'path' ? `items?from=${from}` : `${form === 'absolute' ? s.origin : ''}${PATH}?from=${from}`;
const link = (url: string, rel: string): string => `<${url}>; rel="${rel}"`;
const linkReply =
  (make: (s: Slice) => string[]) =>
  (s: Slice): Reply => {
    const links = make(s);
    return { body: s.records, headers: links.length ? { link: links.join(', ') } : {} };
  };

const param =
  (name: string) =>
  (req: SeenRequest): string =>
    q(req, name) ?? '-';
const pathAndQuery = (req: SeenRequest): string => req.url.pathname + req.url.search;
/** `first, first + step, …` up to `last` inclusive, as strings. */
const seq = (first: number, last: number, step = 1): string[] =>
  Array.from({ length: Math.floor((last - first) / step) + 1 }, (_, i) => String(first + i * step));
/** The URLs a `from=` walk of `n` records asks: the base URL, then every next page. */
const urls = (n: number, base = PATH, size = DEFAULT_SIZE): string[] => [base, ...seq(size, n - 1, size).map((f) => `${PATH}?from=${f}`)];

// --- the matrix -------------------------------------------------------------------------

const pageNumberCases: Case[] = [
  // Page size unknown to the walk: only the empty page 6 can end it.
  { name: 'empty page', n: 23, at: byPage(), reply: plain, opts: { paginator: 'pageNumber' }, ask: param('page'), asked: seq(1, 6) },
  {
    name: 'short page, size from per_page',
    n: 23,
    at: byPage(),
    reply: plain,
    opts: { params: { per_page: 4 }, paginator: 'pageNumber' },
    ask: param('page'),
    asked: seq(1, 6),
  },
  {
    name: 'short page, size from pageSize',
    n: 23,
    at: byPage(),
    reply: plain,
    opts: { paginator: { type: 'pageNumber', pageSize: 5 } },
    ask: param('page'),
    asked: seq(1, 5),
  },
  {
    name: 'short page, size from sizeParam',
    n: 23,
    at: byPage(),
    reply: plain,
    opts: { params: { count: 4 }, paginator: { type: 'pageNumber', sizeParam: 'count' } },
    ask: param('page'),
    asked: seq(1, 6),
  },
  {
    name: 'short page, sizeParam + pageSize sent on every request',
    n: 23,
    at: byPage(),
    reply: plain,
    opts: { paginator: { type: 'pageNumber', sizeParam: 'count', pageSize: 4 } },
    ask: (r) => `${param('page')(r)}/${param('count')(r)}`,
    asked: seq(1, 6).map((p) => `${p}/4`),
  },
  // 25 = 5 full pages: without the total the walk would ask for an empty page 6.
  {
    name: 'total in body (totalPath)',
    n: 25,
    at: byPage(),
    reply: data((s) => ({ meta: { total: s.n } })),
    opts: { params: { per_page: 5 }, paginator: { type: 'pageNumber', totalPath: 'meta.total' } },
    ask: param('page'),
    asked: seq(1, 5),
    exact: true,
  },
  {
    name: 'X-Total-Count',
    n: 25,
    at: byPage(),
    reply: totalHeader,
    opts: { params: { per_page: 5 }, paginator: 'pageNumber' },
    ask: param('page'),
    asked: seq(1, 5),
    exact: true,
  },
  // Not `exact`: under concurrency, pages 2-3 are prefetched before page 1 announces the total.
  {
    name: 'X-Total-Count, no page size, first page holds all',
    n: 3,
    at: byPage(),
    reply: totalHeader,
    opts: { paginator: 'pageNumber' },
    ask: param('page'),
    asked: ['1'],
  },
  {
    name: 'total pages (totalPagesPath)',
    n: 25,
    at: byPage(),
    reply: data((s) => ({ total_pages: Math.ceil(s.n / s.size) })),
    opts: { paginator: { type: 'pageNumber', totalPagesPath: 'total_pages' } },
    ask: param('page'),
    asked: seq(1, 5),
    exact: true,
  },
  {
    name: 'hasMorePath false',
    n: 25,
    at: byPage(),
    reply: data((s) => ({ has_more: s.next !== null })),
    opts: { paginator: { type: 'pageNumber', hasMorePath: 'has_more' } },
    ask: param('page'),
    asked: seq(1, 5),
  },
  {
    name: 'maxPages',
    n: 25,
    at: byPage(),
    reply: plain,
    opts: { paginator: 'pageNumber', maxPages: 3 },
    ask: param('page'),
    asked: seq(1, 3),
    yields: 15,
    exact: true,
  },
  {
    name: 'zero-based start: 0, short page',
    n: 23,
    at: byPage('page', 0),
    reply: plain,
    opts: { params: { per_page: 5 }, paginator: { type: 'pageNumber', start: 0 } },
    ask: param('page'),
    asked: seq(0, 4),
  },
  {
    name: 'zero-based start: 0, custom pageParam, totalPagesPath',
    n: 25,
    at: byPage('p', 0),
    reply: data((s) => ({ pages: Math.ceil(s.n / s.size) })),
    opts: { paginator: { type: 'pageNumber', pageParam: 'p', start: 0, totalPagesPath: 'pages' } },
    ask: param('p'),
    asked: seq(0, 4),
    exact: true,
  },
];

const offsetCases: Case[] = [
  {
    name: 'empty page',
    n: 25,
    at: byOffset(),
    reply: plain,
    opts: { paginator: { type: 'offset', limit: 5 } },
    ask: param('offset'),
    asked: seq(0, 25, 5),
  },
  {
    name: 'short page (< limit)',
    n: 23,
    at: byOffset(),
    reply: plain,
    opts: { paginator: { type: 'offset', limit: 5 } },
    ask: param('offset'),
    asked: seq(0, 20, 5),
  },
  {
    name: 'total in body (totalPath)',
    n: 25,
    at: byOffset(),
    reply: data((s) => ({ total: s.n })),
    opts: { paginator: { type: 'offset', limit: 5, totalPath: 'total' } },
    ask: param('offset'),
    asked: seq(0, 20, 5),
    exact: true,
  },
  {
    name: 'X-Total-Count',
    n: 25,
    at: byOffset(),
    reply: totalHeader,
    opts: { paginator: { type: 'offset', limit: 5 } },
    ask: param('offset'),
    asked: seq(0, 20, 5),
    exact: true,
  },
  {
    name: 'hasMorePath false',
    n: 25,
    at: byOffset(),
    reply: data((s) => ({ meta: { has_more: s.next !== null } })),
    opts: { paginator: { type: 'offset', limit: 5, hasMorePath: 'meta.has_more' } },
    ask: param('offset'),
    asked: seq(0, 20, 5),
  },
  {
    name: 'custom offsetParam/limitParam',
    n: 23,
    at: byOffset('skip'),
    reply: plain,
    opts: { paginator: { type: 'offset', offsetParam: 'skip', limitParam: 'take', limit: 4 } },
    ask: (r) => `${param('skip')(r)}/${param('take')(r)}/${param('offset')(r)}`,
    asked: seq(0, 20, 4).map((o) => `${o}/4/-`),
  },
  {
    name: 'limit from base params',
    n: 23,
    at: byOffset(),
    reply: plain,
    opts: { params: { limit: 4 }, paginator: 'offset' },
    ask: (r) => `${param('offset')(r)}/${param('limit')(r)}`,
    asked: seq(0, 20, 4).map((o) => `${o}/4`),
  },
];

const cursors = (n: number, fmt = (o: number): string => `c${o}`): string[] => [
  '-',
  ...seq(DEFAULT_SIZE, n - 1, DEFAULT_SIZE).map((o) => fmt(Number(o))),
];
const cursorCases: Case[] = [
  {
    name: 'null cursor',
    n: 23,
    at: byCursor(),
    reply: data((s) => ({ next_cursor: s.next === null ? null : `c${s.next}` })),
    opts: { paginator: 'cursor' },
    ask: param('cursor'),
    asked: cursors(23),
  },
  {
    name: 'missing cursor key',
    n: 23,
    at: byCursor(),
    reply: data((s) => (s.next === null ? {} : { next_cursor: `c${s.next}` })),
    opts: { paginator: 'cursor' },
    ask: param('cursor'),
    asked: cursors(23),
  },
  {
    name: 'empty-string cursor',
    n: 23,
    at: byCursor(),
    reply: data((s) => ({ next_cursor: s.next === null ? '' : `c${s.next}` })),
    opts: { paginator: 'cursor' },
    ask: param('cursor'),
    asked: cursors(23),
  },
  // The last page still hands out a cursor: only the flag can end the walk before an extra request.
  {
    name: 'has_more false (read automatically)',
    n: 23,
    at: byCursor(),
    reply: data((s) => ({ next_cursor: `c${s.from + s.size}`, has_more: s.next !== null })),
    opts: { paginator: 'cursor' },
    ask: param('cursor'),
    asked: cursors(23),
  },
  {
    name: 'hasMorePath false',
    n: 23,
    at: byCursor(),
    reply: data((s) => ({ next_cursor: `c${s.from + s.size}`, meta: { more: s.next !== null } })),
    opts: { paginator: { type: 'cursor', hasMorePath: 'meta.more' } },
    ask: param('cursor'),
    asked: cursors(23),
  },
  {
    name: 'empty page (cursor never runs out)',
    n: 23,
    at: byCursor(),
    reply: data((s) => ({ next_cursor: `c${s.from + s.size}` })),
    opts: { paginator: 'cursor' },
    ask: param('cursor'),
    asked: [...cursors(23), 'c25'],
  },
  {
    name: 'cursor header → request header',
    n: 23,
    at: byCursor('x-cursor'),
    reply: (s): Reply => ({ body: s.records, headers: s.next === null ? {} : { 'x-next-cursor': `c${s.next}` } }),
    opts: { paginator: { type: 'cursor', cursorHeader: 'X-Next-Cursor', cursorRequestHeader: 'X-Cursor' } },
    // A query string in the log would mean the cursor went out as a param too.
    ask: (r) => r.url.search || String(r.headers['x-cursor'] ?? '-'),
    asked: cursors(23),
  },
  {
    name: 'numeric cursor',
    n: 23,
    at: byCursor(),
    reply: data((s) => ({ next_cursor: s.next })),
    opts: { paginator: 'cursor' },
    ask: param('cursor'),
    asked: cursors(23, String),
  },
];

const nextUrlCases: Case[] = [
  {
    name: 'next: null',
    n: 23,
    at: byFrom,
    reply: (s) => ({ body: { results: s.records, next: s.next === null ? null : href(s, s.next) } }),
    opts: { paginator: 'nextUrl' },
    ask: pathAndQuery,
    asked: urls(23),
  },
  {
    name: 'missing next',
    n: 23,
    at: byFrom,
    reply: (s) => ({ body: { results: s.records, ...(s.next === null ? {} : { next: href(s, s.next) }) } }),
    opts: { paginator: 'nextUrl' },
    ask: pathAndQuery,
    asked: urls(23),
  },
  {
    name: 'empty-string next',
    n: 23,
    at: byFrom,
    reply: (s) => ({ body: { results: s.records, next: s.next === null ? '' : href(s, s.next) } }),
    opts: { paginator: 'nextUrl' },
    ask: pathAndQuery,
    asked: urls(23),
  },
  {
    name: 'relative next URL (root-relative)',
    n: 23,
    at: byFrom,
    reply: (s) => ({ body: { results: s.records, next: s.next === null ? null : href(s, s.next, 'root') } }),
    opts: { paginator: 'nextUrl' },
    ask: pathAndQuery,
    asked: urls(23),
  },
  {
    name: 'relative next URL (path-relative)',
    n: 23,
    at: byFrom,
    reply: (s) => ({ body: { results: s.records, next: s.next === null ? null : href(s, s.next, 'path') } }),
    opts: { paginator: 'nextUrl' },
    ask: pathAndQuery,
    asked: urls(23),
  },
  // The server's URL replaces the base params: `format` is only on the first request.
  {
    name: 'absolute next URL replaces base params',
    n: 23,
    at: byFrom,
    reply: (s) => ({ body: { results: s.records, next: s.next === null ? null : href(s, s.next) } }),
    opts: { params: { format: 'json' }, paginator: 'nextUrl' },
    ask: pathAndQuery,
    asked: urls(23, `${PATH}?format=json`),
  },
  {
    name: 'nested nextPath links.next',
    n: 23,
    at: byFrom,
    reply: (s) => ({ body: { results: s.records, links: { next: s.next === null ? null : href(s, s.next), prev: null } } }),
    opts: { paginator: { type: 'nextUrl', nextPath: 'links.next' } },
    ask: pathAndQuery,
    asked: urls(23),
  },
];

const lastFrom = (s: Slice): number => Math.floor((s.n - 1) / s.size) * s.size;
const linkHeaderCases: Case[] = [
  {
    name: 'no next rel on the last page',
    n: 23,
    at: byFrom,
    reply: linkReply((s) => [link(href(s, 0), 'first'), ...(s.next === null ? [] : [link(href(s, s.next), 'next')])]),
    opts: { paginator: 'linkHeader' },
    ask: pathAndQuery,
    asked: urls(23),
  },
  {
    name: 'relative Link URLs, no header at the end',
    n: 23,
    at: byFrom,
    reply: linkReply((s) => (s.next === null ? [] : [link(href(s, s.next, 'root'), 'next')])),
    opts: { paginator: 'linkHeader' },
    ask: pathAndQuery,
    asked: urls(23),
  },
  {
    name: 'several links in one header',
    n: 23,
    at: byFrom,
    reply: linkReply((s) => [
      link(href(s, 0), 'first'),
      ...(s.from > 0 ? [link(href(s, s.from - s.size), 'prev')] : []),
      ...(s.next === null ? [] : [link(href(s, s.next), 'next')]),
      link(href(s, lastFrom(s)), 'last'),
    ]),
    opts: { paginator: 'linkHeader' },
    ask: pathAndQuery,
    asked: urls(23),
  },
  {
    name: 'rel="next last"',
    n: 23,
    at: byFrom,
    reply: linkReply((s) => [
      link(href(s, 0), 'first'),
      ...(s.next === null ? [] : [link(href(s, s.next), s.next === lastFrom(s) ? 'next last' : 'next')]),
    ]),
    opts: { paginator: 'linkHeader' },
    ask: pathAndQuery,
    asked: urls(23),
  },
];

const singleCases: Case[] = [
  // Next links everywhere, and still one request.
  {
    name: 'one request only',
    n: 23,
    at: byFrom,
    reply: (s) => ({ body: { results: range(0, s.n), next: href(s, 5) }, headers: { link: link(href(s, 5), 'next') } }),
    opts: { paginator: 'single' },
    ask: pathAndQuery,
    asked: [PATH],
  },
];

const autoCases: Case[] = [
  {
    name: 'Link header',
    n: 23,
    at: byFrom,
    reply: linkReply((s) => (s.next === null ? [] : [link(href(s, s.next), 'next')])),
    opts: {},
    ask: pathAndQuery,
    asked: urls(23),
    detected: 'auto: linkHeader (Link rel="next")',
  },
  {
    name: 'next URL',
    n: 23,
    at: byFrom,
    reply: (s) => ({ body: { count: s.n, results: s.records, next: s.next === null ? null : href(s, s.next) } }),
    opts: {},
    ask: pathAndQuery,
    asked: urls(23),
    detected: 'auto: nextUrl (body "next")',
  },
  {
    name: 'cursor',
    n: 23,
    at: byCursor(),
    reply: data((s) => ({ next_cursor: s.next === null ? null : `c${s.next}` })),
    opts: {},
    ask: param('cursor'),
    asked: cursors(23),
    detected: 'auto: cursor (body "next_cursor" → query "cursor")',
  },
  {
    name: 'page param + X-Total-Count',
    n: 25,
    at: byPage(),
    reply: totalHeader,
    opts: { params: { page: 1, per_page: 5 } },
    ask: param('page'),
    asked: seq(1, 5),
    exact: true,
    detected: 'auto: pageNumber (param "page", page size 5 from "per_page", total 25 from X-Total-Count)',
  },
  {
    name: 'offset params',
    n: 23,
    at: byOffset(),
    reply: plain,
    opts: { params: { offset: 0, limit: 5 } },
    ask: param('offset'),
    asked: seq(0, 20, 5),
    detected: 'auto: offset (param "offset", limit 5 from "limit")',
  },
];

// --- the runner -------------------------------------------------------------------------

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function walk(c: Case, concurrency: number) {
  const { api, maxInFlight } = await serve(c, concurrency);
  const events: WalkEvent[] = [];
  const pages: Page<Rec>[] = [];
  for await (const page of paginate<Rec>({ ...c.opts, url: `${api.url}${PATH}`, concurrency, onEvent: (e) => events.push(e) })) {
    pages.push(page);
  }
  // Records: exactly the server's, once each, in order.
  expect(pages.flatMap((p) => p.records)).toEqual(range(0, c.yields ?? c.n));
  expect(pages.map((p) => p.index)).toEqual(pages.map((_, i) => i));
  // Tokens chain: each page was fetched with the previous page's token; the last says "done".
  for (const [i, p] of pages.slice(1).entries()) expect(p.pageToken).toEqual(pages[i]?.token);
  if (c.yields === undefined) expect(pages.at(-1)?.token).toBeNull();
  else expect(pages.at(-1)?.token).not.toBeNull();
  const detected = events.flatMap((e) => (e.type === 'detected' && 'description' in e ? [e.description] : []));
  expect(detected).toEqual(c.detected === undefined ? [] : [c.detected]);
  expect(maxInFlight()).toBeLessThanOrEqual(concurrency);
  return api.requests.map(c.ask);
}

const byStrategy: [string, Case[]][] = [
  ['pageNumber', pageNumberCases],
  ['offset', offsetCases],
  ['cursor', cursorCases],
  ['nextUrl', nextUrlCases],
  ['linkHeader', linkHeaderCases],
  ['single', singleCases],
  ['auto', autoCases],
];

describe.each(byStrategy)('%s over HTTP, concurrency 1', (_strategy, cases) => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    // One request at a time: the log is exactly the expected pages, in order.
    expect(await walk(c, 1)).toEqual(c.asked);
  });
});

const prefetching: [string, Case[]][] = [
  ['pageNumber', pageNumberCases],
  ['offset', offsetCases],
  ['auto (page/offset)', autoCases.filter((c) => /^(page|offset)/.test(c.name))],
];

describe.each(prefetching)('%s over HTTP, concurrency 3', (_strategy, cases) => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const log = await walk(c, 3);
    const sorted = [...log].sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10));
    expect(new Set(log).size).toBe(log.length); // no page asked twice
    if (c.exact) {
      // The end was known: no request past it, prefetch or not.
      expect(sorted).toEqual(c.asked);
    } else {
      // The end shows only on the last page: every page asked, plus at most the
      // two prefetched guesses in flight then, and those only past the end.
      expect(sorted.slice(0, c.asked.length)).toEqual(c.asked);
      const extra = sorted.slice(c.asked.length);
      expect(extra.length).toBeLessThanOrEqual(2);
      for (const e of extra) expect(Number.parseInt(e, 10)).toBeGreaterThan(Number.parseInt(c.asked.at(-1) ?? '', 10));
    }
  });
});
