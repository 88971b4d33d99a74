import { type DemoRequest, type DemoResponse, type DemoRoute, isRead, jsonValue, methodNotAllowed } from './route.js';

export const OPENAPI_PATH = '/openapi.json';

type Schema = Readonly<Record<string, unknown>>;

const int64: Schema = { type: 'integer', format: 'int64' };
const text: Schema = { type: 'string' };
const dateTime: Schema = { type: 'string', format: 'date-time' };
const nullableNumber: Schema = { type: ['number', 'null'] };
const nullableInt64: Schema = { type: ['integer', 'null'], format: 'int64' };

function object(properties: Record<string, Schema>, required: string[] = Object.keys(properties)): Schema {
  return { type: 'object', properties, required };
}

const user = object({
  id: int64,
  name: text,
  username: text,
  email: text,
  address: { type: 'object' },
  phone: text,
  website: text,
  company: { type: 'object' },
});
const post = object({ userId: int64, id: int64, title: text, body: text });
const comment = object({ postId: int64, id: int64, name: text, email: text, body: text });
const account = object({ id: int64, username: text, status: { type: 'string', enum: ['active', 'closed'] } });
const drfItem = object({
  id: int64,
  name: text,
  sku: text,
  price: { type: 'string', format: 'decimal' },
  quantity: { type: 'integer', format: 'int32' },
  created_at: dateTime,
  updated_at: dateTime,
  active: { type: 'boolean' },
  tags: { type: 'array', items: text },
});
const cursorEvent = object({
  id: int64,
  type: text,
  actor_id: int64,
  occurred_at: dateTime,
  payload: { type: 'object' },
  amount: { type: 'number' },
});
const coin = object({
  id: text,
  symbol: text,
  name: text,
  image: text,
  current_price: nullableNumber,
  market_cap: nullableInt64,
  market_cap_rank: { type: 'integer', format: 'int32' },
  fully_diluted_valuation: nullableInt64,
  total_volume: nullableInt64,
  high_24h: nullableNumber,
  low_24h: nullableNumber,
  price_change_24h: nullableNumber,
  price_change_percentage_24h: nullableNumber,
  // Whole dollars mostly, but about one in ten carries a fraction, as CoinGecko sends it.
  market_cap_change_24h: nullableNumber,
  market_cap_change_percentage_24h: nullableNumber,
  circulating_supply: nullableNumber,
  total_supply: nullableNumber,
  max_supply: nullableNumber,
  ath: nullableNumber,
  ath_change_percentage: nullableNumber,
  ath_date: dateTime,
  atl: nullableNumber,
  atl_change_percentage: nullableNumber,
  atl_date: dateTime,
  roi: { type: ['object', 'null'] },
  last_updated: dateTime,
});

const query = (name: string, schema: Schema, description: string, required = false) => ({
  name,
  in: 'query',
  required,
  schema,
  description,
});
const pathId = (description: string) => ({ name: 'id', in: 'path', required: true, schema: int64, description });

// json-server pages only when a paging parameter is sent; the Link header then leads from page to page.
const jsonServerParams = [
  query('_page', { type: 'integer', minimum: 1 }, 'page number, from 1; with it the answer carries a Link header'),
  query('_limit', { type: 'integer', minimum: 1, default: 10 }, 'page size with _page, or the slice length with _start'),
  query('_start', { type: 'integer', minimum: 0 }, 'offset of the first record of a slice'),
];
const jsonServerHeaders = {
  Link: { description: 'RFC 8288 first/prev/next/last links, sent with _page', schema: text },
  'X-Total-Count': { description: 'records after filters, sent with any paging parameter', schema: int64 },
};

function list(summary: string, item: Schema, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    summary,
    parameters: jsonServerParams,
    responses: {
      '200': {
        description: summary,
        headers: jsonServerHeaders,
        content: { 'application/json': { schema: { type: 'array', items: item } } },
      },
    },
    ...extra,
  };
}

/**
 * The demo API's own OpenAPI 3.1 description: its read endpoints with the
 * paging each really does, for `siphon init --openapi` to be tried on.
 */
export function demoOpenApiDocument(baseUrl: string): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Siphon demo API',
      version: '1.0.0',
      description: 'Deterministic stand-ins for CoinGecko, JSONPlaceholder, DRF and a cursor API.',
    },
    servers: [{ url: baseUrl }],
    tags: [{ name: 'coingecko' }, { name: 'jsonplaceholder' }, { name: 'drf' }, { name: 'cursor' }],
    paths: {
      '/api/v3/coins/markets': {
        get: {
          tags: ['coingecko'],
          summary: 'Coins by market cap; a page past the end is []',
          parameters: [
            query('vs_currency', { type: 'string', enum: ['usd'] }, 'quote currency', true),
            query('order', { type: 'string', enum: ['market_cap_desc', 'market_cap_asc'], default: 'market_cap_desc' }, 'sort order'),
            query('per_page', { type: 'integer', minimum: 1, maximum: 250, default: 100 }, 'page size'),
            query('page', { type: 'integer', minimum: 1, default: 1 }, 'page number, from 1'),
          ],
          responses: { '200': { description: 'coins', content: { 'application/json': { schema: { type: 'array', items: coin } } } } },
        },
      },
      '/users': { get: list('Users', user, { tags: ['jsonplaceholder'] }) },
      '/posts': { get: list('Posts', post, { tags: ['jsonplaceholder'] }) },
      '/comments': { get: list('Comments', comment, { tags: ['jsonplaceholder'] }) },
      '/users/{id}/posts': {
        get: list("A user's posts", post, { tags: ['jsonplaceholder'], parameters: [pathId('user id'), ...jsonServerParams] }),
      },
      '/posts/{id}/comments': {
        get: list("A post's comments", comment, { tags: ['jsonplaceholder'], parameters: [pathId('post id'), ...jsonServerParams] }),
      },
      '/accounts': {
        get: {
          summary: 'Every account, closed ones included (not paged)',
          responses: { '200': { description: 'accounts', content: { 'application/json': { schema: { type: 'array', items: account } } } } },
        },
      },
      '/accounts/{id}/posts': {
        get: {
          summary: "An active account's posts (not paged)",
          parameters: [pathId('account id')],
          responses: {
            '200': { description: 'posts', content: { 'application/json': { schema: { type: 'array', items: post } } } },
            '404': { description: 'the account is closed or unknown', content: { 'application/json': { schema: { type: 'object' } } } },
          },
        },
      },
      '/drf/items': {
        get: {
          tags: ['drf'],
          summary: 'Items, Django REST Framework PageNumberPagination',
          security: [{ drfToken: [] }],
          parameters: [
            query('page', { type: 'integer', minimum: 1 }, 'page number, from 1; past the end answers 404'),
            query('page_size', { type: 'integer', minimum: 1, maximum: 500, default: 50 }, 'page size'),
          ],
          responses: {
            '200': {
              description: 'a page of items',
              content: {
                'application/json': {
                  schema: object({
                    count: int64,
                    next: { type: ['string', 'null'], format: 'uri' },
                    previous: { type: ['string', 'null'], format: 'uri' },
                    results: { type: 'array', items: drfItem },
                  }),
                },
              },
            },
            '401': { description: 'no or a wrong token' },
          },
        },
      },
      '/cursor/events': {
        get: {
          tags: ['cursor'],
          summary: 'Events, oldest first, Stripe-style cursor pages',
          parameters: [
            query('limit', { type: 'integer', minimum: 1, maximum: 1000, default: 100 }, 'page size'),
            query('cursor', text, 'next_cursor of the previous page'),
          ],
          responses: {
            '200': {
              description: 'a page of events',
              headers: { 'X-Next-Cursor': { description: 'next_cursor again', schema: text } },
              content: {
                'application/json': {
                  schema: object({
                    data: { type: 'array', items: cursorEvent },
                    has_more: { type: 'boolean' },
                    next_cursor: { type: ['string', 'null'] },
                  }),
                },
              },
            },
          },
        },
      },
    },
    components: { securitySchemes: { drfToken: { type: 'http', scheme: 'Token', description: 'Authorization: Token <token>' } } },
  };
}

/** `GET /openapi.json`: {@link demoOpenApiDocument} for this server's address. */
export function openApiRoute(): DemoRoute {
  return (request: DemoRequest): DemoResponse | undefined => {
    if (request.url.pathname !== OPENAPI_PATH) return undefined;
    if (!isRead(request)) return methodNotAllowed();
    return jsonValue(200, demoOpenApiDocument(request.baseUrl));
  };
}
