import { type DemoCursorEvent, encodeCursor } from './cursor-api.js';
import { type DemoRequest, type DemoResponse, type DemoRoute, jsonValue } from './route.js';

/*
 * A GraphQL endpoint for the demo, without a GraphQL engine: it does not
 * parse the operation. Any query that selects the `events` connection is
 * answered with the cursor API's events as relay edges (every field of each
 * node, whatever the selection says), paged by the `first` and `after`
 * variables. Enough to sync from as a client would, not a GraphQL server.
 */

export const GRAPHQL_PATH = '/graphql';

const DEFAULT_FIRST = 50;
const MAX_FIRST = 100;

/**
 * `POST /graphql` with `{ "query": "… events(first: $first, after: $after) { edges { cursor node { … } } pageInfo { hasNextPage endCursor } } …", "variables": { "first": 50, "after": null } }`:
 * `{ data: { events: { totalCount, edges: [{ cursor, node }], pageInfo: { hasNextPage, endCursor } } } }`.
 * What a GraphQL server answers with `errors` (a query without the `events`
 * connection, `first` out of 1-100, an unknown cursor) comes back as HTTP 200
 * with `{ errors: [{ message, extensions: { code } }], data: null }`, as GraphQL servers do.
 */
export function graphqlRoute(events: readonly DemoCursorEvent[]): DemoRoute {
  return (request: DemoRequest): DemoResponse | undefined => {
    if (request.url.pathname !== GRAPHQL_PATH) return undefined;
    if (request.method !== 'POST') return jsonValue(405, { error: 'method not allowed' }, { allow: 'POST' });
    let body: unknown;
    try {
      body = JSON.parse(request.body);
    } catch {
      return jsonValue(400, { errors: [{ message: 'the body is not JSON', extensions: { code: 'BAD_REQUEST' } }] });
    }
    if (body === null || typeof body !== 'object' || typeof (body as { query?: unknown }).query !== 'string') {
      return jsonValue(400, { errors: [{ message: 'expected a JSON object with a "query" string', extensions: { code: 'BAD_REQUEST' } }] });
    }
    const { query, variables = {} } = body as { query: string; variables?: Record<string, unknown> | null };
    if (!/\bevents\b/.test(query)) {
      return graphqlErrors('the demo schema has one connection, events; the query selects none of it', 'GRAPHQL_VALIDATION_FAILED');
    }
    const first = variables?.first ?? DEFAULT_FIRST;
    if (!Number.isInteger(first) || (first as number) < 1 || (first as number) > MAX_FIRST) {
      return graphqlErrors(`first must be an integer from 1 to ${MAX_FIRST}, got ${JSON.stringify(first)}`, 'BAD_USER_INPUT');
    }
    const after = variables?.after ?? null;
    const start = after === null ? 0 : typeof after === 'string' ? position(after, events.length) : undefined;
    if (start === undefined) return graphqlErrors(`after: unknown cursor ${JSON.stringify(after)}`, 'BAD_USER_INPUT');
    const page = events.slice(start, start + (first as number));
    const edges = page.map((node) => ({ cursor: encodeCursor(node.id), node }));
    const hasNextPage = start + page.length < events.length;
    return jsonValue(200, {
      data: { events: { totalCount: events.length, edges, pageInfo: { hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } } },
    });
  };
}

function graphqlErrors(message: string, code: string): DemoResponse {
  return jsonValue(200, { errors: [{ message, extensions: { code } }], data: null });
}

function position(cursor: string, total: number): number | undefined {
  const match = /^after:(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match || encodeCursor(Number(match[1])) !== cursor) return undefined;
  const id = Number(match[1]);
  return id >= 1 && id <= total ? id : undefined;
}
