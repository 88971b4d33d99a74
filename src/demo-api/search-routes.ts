import { type DemoCursorEvent, encodeCursor } from './cursor-api.js';
import type { DemoPost, DemoUser } from './jsonplaceholder.js';
import { badRequest, type DemoRequest, type DemoResponse, type DemoRoute, isRead, jsonValue, methodNotAllowed, notFound } from './route.js';

/*
 * Endpoints shaped like the APIs that are not plain GET lists: a search that
 * takes its query and its cursor in a POST body, and a parent list some of
 * whose children are gone (their lists answer 404).
 */

export const SEARCH_PATH = '/search/events';
export const ACCOUNTS_PATH = '/accounts';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

/** An account of `/accounts`: a demo user, every fourth one closed. */
export interface DemoAccount {
  readonly id: number;
  readonly username: string;
  readonly status: 'active' | 'closed';
}

export function demoAccounts(users: readonly DemoUser[]): DemoAccount[] {
  return users.map((user) => ({ id: user.id, username: user.username, status: user.id % 4 === 0 ? 'closed' : 'active' }));
}

interface SearchQuery {
  readonly types: readonly string[] | undefined;
  readonly limit: number;
  readonly cursor: string;
}

/**
 * `POST /search/events` (PUT too): the cursor API's events, filtered by
 * `types`, `limit` per page, after `cursor`, all in the body, as JSON
 * (`{ "types": ["order.created"], "limit": 50, "cursor": "…" }`) or as a
 * form (`types=order.created&limit=50&cursor=…`). Answers
 * `{ data, has_more, next_cursor }`.
 */
export function searchRoute(events: readonly DemoCursorEvent[]): DemoRoute {
  return (request: DemoRequest): DemoResponse | undefined => {
    if (request.url.pathname !== SEARCH_PATH) return undefined;
    if (request.method !== 'POST' && request.method !== 'PUT')
      return jsonValue(405, { error: 'method not allowed' }, { allow: 'POST, PUT' });
    const query = parseQuery(request);
    if (typeof query === 'string') return badRequest(query);
    const after = query.cursor === '' ? 0 : cursorPosition(query.cursor, events.length);
    if (after === undefined) return badRequest('invalid cursor');
    const matching =
      query.types === undefined ? events.slice(after) : events.slice(after).filter((event) => query.types?.includes(event.type));
    const data = matching.slice(0, query.limit);
    const hasMore = matching.length > data.length;
    const last = data.at(-1);
    return jsonValue(200, { data, has_more: hasMore, next_cursor: hasMore && last ? encodeCursor(last.id) : null });
  };
}

function parseQuery(request: DemoRequest): SearchQuery | string {
  const type = String(request.headers['content-type'] ?? '')
    .split(';')[0]
    ?.trim();
  let types: unknown;
  let limit: unknown;
  let cursor: unknown;
  if (type === 'application/x-www-form-urlencoded') {
    const form = new URLSearchParams(request.body);
    types = form.has('types') ? form.getAll('types') : undefined;
    limit = form.get('limit') ?? undefined;
    cursor = form.get('cursor') ?? undefined;
  } else if (type === 'application/json') {
    let body: unknown;
    try {
      body = JSON.parse(request.body);
    } catch {
      return 'the body is not JSON';
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return 'the body must be a JSON object';
    ({ types, limit, cursor } = body as Record<string, unknown>);
  } else {
    return 'send the query as application/json or application/x-www-form-urlencoded';
  }
  if (types !== undefined && !(Array.isArray(types) && types.every((item) => typeof item === 'string')))
    return 'types must be a list of strings';
  const size = limit === undefined || limit === null ? DEFAULT_LIMIT : Number(limit);
  if (!Number.isInteger(size) || size < 1) return `invalid limit: expected an integer from 1 to ${MAX_LIMIT}`;
  if (cursor !== undefined && cursor !== null && typeof cursor !== 'string') return 'cursor must be a string';
  return { types: types as string[] | undefined, limit: Math.min(size, MAX_LIMIT), cursor: (cursor as string | null | undefined) ?? '' };
}

function cursorPosition(raw: string, total: number): number | undefined {
  const match = /^after:(\d{1,9})$/.exec(Buffer.from(raw, 'base64url').toString('utf8'));
  if (!match || encodeCursor(Number(match[1])) !== raw) return undefined;
  const id = Number(match[1]);
  return id >= 1 && id <= total ? id : undefined;
}

const ACCOUNT_ROUTE = /^\/accounts(?:\/(\d+)\/posts)?\/?$/;

/**
 * `GET /accounts` lists every account, closed ones included;
 * `GET /accounts/{id}/posts` lists an active account's posts and answers
 * 404 `{ "error": "account closed" }` for a closed one, as APIs do for a
 * parent deleted since it was listed.
 */
export function accountsRoute(accounts: readonly DemoAccount[], posts: readonly DemoPost[]): DemoRoute {
  return (request: DemoRequest): DemoResponse | undefined => {
    const match = ACCOUNT_ROUTE.exec(request.url.pathname);
    if (!match) return undefined;
    if (!isRead(request)) return methodNotAllowed();
    if (match[1] === undefined) return jsonValue(200, accounts);
    const id = Number(match[1]);
    const account = accounts.find((candidate) => candidate.id === id);
    if (!account) return notFound(request.url.pathname);
    if (account.status === 'closed') return jsonValue(404, { error: 'account closed', id });
    return jsonValue(
      200,
      posts.filter((post) => post.userId === id),
    );
  };
}
