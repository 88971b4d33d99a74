import type { DemoCoin } from './coins.js';
import {
  badRequest,
  type DemoRequest,
  type DemoResponse,
  type DemoRoute,
  intParam,
  isRead,
  jsonText,
  jsonValue,
  methodNotAllowed,
} from './route.js';

export const COINS_MARKETS_PATH = '/api/v3/coins/markets';
const COINGECKO_PREFIX = '/api/v3/';
const DEFAULT_PER_PAGE = 100;
const MAX_PER_PAGE = 250;

/** CoinGecko's own rate-limit body, verbatim; clients match on `status.error_code`. */
export const COINGECKO_LIMIT_BODY =
  '{"status":{"error_code":429,"error_message":"You\'ve exceeded the Rate Limit. Please visit https://www.coingecko.com/en/api/pricing to subscribe to our API plans for higher rate limits."}}';

/** Paths that answer rate limiting with CoinGecko's body rather than the generic one. */
export function isCoinGeckoPath(pathname: string): boolean {
  return pathname.startsWith(COINGECKO_PREFIX);
}

/**
 * `/api/v3/coins/markets` paged like CoinGecko: `per_page` (default 100,
 * capped at 250) and `page`; a page past the end is `[]`, which is how
 * clients know to stop. Bodies are joined from the coins' JSON text so no
 * number is ever re-serialized.
 */
export function coinsRoute(coins: readonly DemoCoin[]): DemoRoute {
  return (request: DemoRequest): DemoResponse | undefined => {
    const { pathname, searchParams } = request.url;
    if (pathname === '/api/v3/ping') return jsonValue(200, { gecko_says: '(V3) To the Moon!' });
    if (pathname !== COINS_MARKETS_PATH) return undefined;
    if (!isRead(request)) return methodNotAllowed();
    if (!searchParams.get('vs_currency')) return jsonValue(400, { error: 'Missing parameter vs_currency' });

    const order = searchParams.get('order') ?? 'market_cap_desc';
    if (order !== 'market_cap_desc' && order !== 'market_cap_asc') return badRequest(`invalid order: ${order}`);
    const perPage = intParam(request.url, 'per_page', DEFAULT_PER_PAGE);
    const page = intParam(request.url, 'page', 1);
    if (perPage === undefined || perPage < 1) return badRequest('invalid per_page');
    if (page === undefined || page < 1) return badRequest('invalid page');

    const size = Math.min(perPage, MAX_PER_PAGE);
    const ordered = order === 'market_cap_asc' ? [...coins].reverse() : coins;
    const slice = ordered.slice((page - 1) * size, page * size);
    return jsonText(200, `[${slice.map((coin) => coin.json).join(',')}]`);
  };
}
