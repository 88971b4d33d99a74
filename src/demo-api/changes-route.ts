import type { DemoCursorEvent } from './cursor-api.js';
import { badRequest, type DemoRequest, type DemoResponse, type DemoRoute, intParam, isRead, jsonValue, methodNotAllowed } from './route.js';

export const CHANGES_PATH = '/changes';
const MAX_PER_PAGE = 1000;

/**
 * The cursor events as a change feed filtered by time, for incremental windows:
 * `?updated_since=` (inclusive) and `?updated_until=` (exclusive) over
 * `occurred_at`, `order=asc|desc`, `page`/`per_page`; a plain JSON array whose
 * short page is the last. No total is announced: a change feed rarely knows one.
 */
export function changesRoute(events: readonly DemoCursorEvent[]): DemoRoute {
  return (request: DemoRequest): DemoResponse | undefined => {
    if (request.url.pathname !== CHANGES_PATH) return undefined;
    if (!isRead(request)) return methodNotAllowed();
    const query = request.url.searchParams;
    const since = instant(query.get('updated_since'));
    const until = instant(query.get('updated_until'));
    if (since === undefined || until === undefined)
      return badRequest('invalid updated_since or updated_until: expected an ISO-8601 instant');
    const order = query.get('order') ?? 'asc';
    if (order !== 'asc' && order !== 'desc') return badRequest('invalid order: expected asc or desc');
    const page = intParam(request.url, 'page', 1);
    const perPage = intParam(request.url, 'per_page', 100);
    if (page === undefined || page < 1) return badRequest('invalid page: expected a positive integer');
    if (perPage === undefined || perPage < 1 || perPage > MAX_PER_PAGE)
      return badRequest(`invalid per_page: expected 1 to ${MAX_PER_PAGE}`);

    const matching = events.filter((event) => {
      const at = Date.parse(event.occurred_at);
      return (since === null || at >= since) && (until === null || at < until);
    });
    if (order === 'desc') matching.reverse();
    return jsonValue(200, matching.slice((page - 1) * perPage, page * perPage));
  };
}

/** `null` when absent, `undefined` when not an instant. */
function instant(raw: string | null): number | null | undefined {
  if (raw === null || raw === '') return null;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : at;
}
