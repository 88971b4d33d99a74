import type { DemoComment, DemoPost, DemoUser } from './jsonplaceholder.js';
import {
  absoluteUrl,
  badRequest,
  type DemoRequest,
  type DemoResponse,
  type DemoRoute,
  isRead,
  jsonValue,
  methodNotAllowed,
  notFound,
} from './route.js';

type Row = object;

interface Collections {
  readonly users: readonly DemoUser[];
  readonly posts: readonly DemoPost[];
  readonly comments: readonly DemoComment[];
}

type CollectionName = keyof Collections;

// Nested lists json-server derives from foreign keys: /users/1/posts, /posts/1/comments.
const NESTED: Partial<Record<CollectionName, { child: CollectionName; key: string }>> = {
  users: { child: 'posts', key: 'userId' },
  posts: { child: 'comments', key: 'postId' },
};

const ROUTE = /^\/(users|posts|comments)(?:\/(\d+)(?:\/(posts|comments))?)?\/?$/;

/**
 * JSONPlaceholder served the way json-server serves it: field filters
 * (`?userId=3`, repeatable), `_start`/`_end`/`_limit` slices and
 * `_page`/`_limit` pages with an RFC 8288 `Link` header; any paging param
 * adds `X-Total-Count`, the count after filters.
 */
export function jsonServerRoutes(collections: Collections): DemoRoute {
  return (request: DemoRequest): DemoResponse | undefined => {
    const match = ROUTE.exec(request.url.pathname);
    if (!match) return undefined;
    if (!isRead(request)) return methodNotAllowed();
    const name = match[1] as CollectionName;
    const id = match[2] === undefined ? undefined : Number(match[2]);
    const nested = match[3] as CollectionName | undefined;

    if (id === undefined) return list(request, collections[name], []);
    if (nested === undefined) {
      const row = (collections[name] as readonly { id: number }[]).find((candidate) => candidate.id === id);
      return row ? jsonValue(200, row) : notFound(request.url.pathname);
    }
    const relation = NESTED[name];
    if (!relation || relation.child !== nested) return undefined;
    return list(request, collections[nested], [[relation.key, String(id)]]);
  };
}

function list(request: DemoRequest, rows: readonly Row[], implied: [string, string][]): DemoResponse {
  const params = request.url.searchParams;
  const filters = new Map<string, string[]>();
  for (const [key, value] of [...implied, ...params]) {
    if (key.startsWith('_')) continue;
    filters.set(key, [...(filters.get(key) ?? []), value]);
  }
  const filtered = rows.filter((row) =>
    [...filters].every(([key, values]) => values.includes(String((row as Record<string, unknown>)[key]))),
  );

  const numbers: Record<string, number | undefined> = {};
  for (const key of ['_start', '_end', '_limit', '_page']) {
    const raw = params.get(key);
    if (raw === null) continue;
    if (!/^\d{1,9}$/.test(raw)) return badRequest(`invalid ${key}: ${raw}`);
    numbers[key] = Number(raw);
  }
  const { _start, _end, _limit, _page } = numbers;
  const paged = _start !== undefined || _end !== undefined || _limit !== undefined || _page !== undefined;
  if (!paged) return jsonValue(200, filtered);

  const headers: Record<string, string> = {
    'x-total-count': String(filtered.length),
    'access-control-expose-headers': 'X-Total-Count, Link',
  };
  if (_page !== undefined) {
    const page = Math.max(_page, 1);
    const limit = _limit || 10; // json-server's default page size; `_limit=0` falls back too
    const link = pageLinks(request, page, Math.ceil(filtered.length / limit));
    if (link) headers.link = link;
    return jsonValue(200, filtered.slice((page - 1) * limit, page * limit), headers);
  }
  const start = _start ?? 0;
  const end = _end ?? (_limit === undefined ? undefined : start + _limit);
  return jsonValue(200, filtered.slice(start, end), headers);
}

/** `first`, `prev`, `next`, `last` as json-server emits them, other query params kept in place. */
function pageLinks(request: DemoRequest, page: number, last: number): string | undefined {
  if (last === 0) return undefined;
  const url = (target: number): string => {
    const params = new URLSearchParams(request.url.searchParams);
    params.set('_page', String(target));
    return absoluteUrl(request.baseUrl, request.url.pathname, params);
  };
  const links: [string, number][] = [['first', 1]];
  if (page > 1 && page <= last) links.push(['prev', page - 1]);
  if (page < last) links.push(['next', page + 1]);
  links.push(['last', last]);
  return links.map(([rel, target]) => `<${url(target)}>; rel="${rel}"`).join(', ');
}
