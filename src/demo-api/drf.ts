import { days, isoBefore } from './demo-epoch.js';
import { createRandom } from './random.js';
import { absoluteUrl, type DemoRequest, type DemoResponse, type DemoRoute, isRead, jsonValue, methodNotAllowed } from './route.js';
import { PRODUCT_ADJECTIVES, PRODUCT_MATERIALS, PRODUCT_NOUNS, PRODUCT_TAGS } from './words.js';

/** An item of the Django REST Framework-style `/drf/items` list. */
export interface DemoDrfItem {
  readonly id: number;
  readonly name: string;
  readonly sku: string;
  /** A decimal string, as DRF renders `DecimalField`: `"19.99"`. */
  readonly price: string;
  readonly quantity: number;
  readonly created_at: string;
  readonly updated_at: string;
  readonly active: boolean;
  readonly tags: readonly string[];
}

export const DRF_PATH = '/drf/items';
const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 500;

export function generateDrfItems(seed: number, count: number): DemoDrfItem[] {
  const random = createRandom(seed, 'drf');
  return Array.from({ length: count }, (_, index) => {
    const createdBefore = random.int(days(30), days(900));
    const tagCount = random.int(0, 3);
    const tags = new Set<string>();
    while (tags.size < tagCount) tags.add(random.pick(PRODUCT_TAGS));
    return {
      id: index + 1,
      name: `${random.pick(PRODUCT_ADJECTIVES)} ${random.pick(PRODUCT_MATERIALS)} ${random.pick(PRODUCT_NOUNS)}`,
      sku: `SKU-${random.digits(4)}-${String(index + 1).padStart(5, '0')}`,
      price: `${random.int(0, 2499)}.${random.digits(2)}`,
      quantity: random.int(0, 500),
      created_at: isoBefore(createdBefore),
      updated_at: isoBefore(random.int(0, createdBefore)),
      active: random.chance(0.8),
      tags: [...tags],
    };
  });
}

/**
 * DRF's `PageNumberPagination` behind `TokenAuthentication`: absolute
 * next/previous links that keep the other query params, `previous` of page 2
 * without a `page` param (as DRF does), 404 "Invalid page." past the end.
 */
export function drfRoute(items: readonly DemoDrfItem[], token: string): DemoRoute {
  return (request: DemoRequest): DemoResponse | undefined => {
    if (request.url.pathname !== DRF_PATH && request.url.pathname !== `${DRF_PATH}/`) return undefined;
    if (!isRead(request)) return methodNotAllowed();
    const denied = checkToken(request.headers.authorization, token);
    if (denied) return denied;

    const params = request.url.searchParams;
    const pageSize = Math.min(positiveInt(params.get('page_size')) ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    const lastPage = Math.max(1, Math.ceil(items.length / pageSize));
    const rawPage = params.get('page');
    const page = rawPage === 'last' ? lastPage : rawPage === null ? 1 : positiveInt(rawPage);
    if (page === undefined || page > lastPage) return jsonValue(404, { detail: 'Invalid page.' });

    const link = (target: number): string => {
      const next = new URLSearchParams(params);
      if (target === 1) next.delete('page');
      else next.set('page', String(target));
      return absoluteUrl(request.baseUrl, request.url.pathname, next);
    };
    const results = items.slice((page - 1) * pageSize, page * pageSize);
    return jsonValue(200, {
      count: items.length,
      next: page < lastPage ? link(page + 1) : null,
      previous: page > 1 ? link(page - 1) : null,
      results,
    });
  };
}

function checkToken(header: string | undefined, token: string): DemoResponse | undefined {
  const [keyword, credential, ...rest] = (header ?? '').trim().split(/\s+/);
  // DRF ignores other schemes (another authenticator might own them).
  if (keyword?.toLowerCase() !== 'token') {
    return jsonValue(401, { detail: 'Authentication credentials were not provided.' }, { 'www-authenticate': 'Token' });
  }
  if (!credential) return jsonValue(401, { detail: 'Invalid token header. No credentials provided.' }, { 'www-authenticate': 'Token' });
  if (rest.length > 0 || credential !== token) return jsonValue(401, { detail: 'Invalid token.' }, { 'www-authenticate': 'Token' });
  return undefined;
}

function positiveInt(raw: string | null): number | undefined {
  if (raw === null || !/^\d{1,9}$/.test(raw)) return undefined;
  const value = Number(raw);
  return value >= 1 ? value : undefined;
}
