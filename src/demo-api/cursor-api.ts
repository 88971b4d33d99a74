import { isoBefore } from './demo-epoch.js';
import { createRandom, type Random } from './random.js';
import { badRequest, type DemoRequest, type DemoResponse, type DemoRoute, isRead, jsonValue, methodNotAllowed } from './route.js';
import { COUNTRIES, CURRENCIES, EVENT_TYPES } from './words.js';

/** An event of the Stripe-style cursor API `/cursor/events`, oldest first. */
export interface DemoCursorEvent {
  readonly id: number;
  readonly type: string;
  readonly actor_id: number;
  readonly occurred_at: string;
  readonly payload: Readonly<Record<string, string | number | boolean>>;
  /** Two decimals; built from integer cents so the double prints exactly, e.g. `1234.56`. */
  readonly amount: number;
}

export const CURSOR_PATH = '/cursor/events';
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

export function generateCursorEvents(seed: number, count: number): DemoCursorEvent[] {
  const random = createRandom(seed, 'cursor');
  // Walk forward from a year before the epoch so occurred_at ascends with id.
  let before = 365 * 86_400_000;
  return Array.from({ length: count }, (_, index) => {
    before -= random.int(1, 3_600_000);
    const type = random.pick(EVENT_TYPES);
    const cents = type.startsWith('user.') ? 0 : random.int(1, 2_500_000);
    return {
      id: index + 1,
      type,
      actor_id: random.int(1, 5000),
      occurred_at: isoBefore(Math.max(before, 0)),
      payload: payloadFor(random, type),
      amount: cents / 100,
    };
  });
}

/** The opaque cursor naming the last event a page held. */
export function encodeCursor(lastId: number): string {
  return Buffer.from(`after:${lastId}`).toString('base64url');
}

/**
 * `{ data, has_more, next_cursor }` pages. The cursor is read from `?cursor=`
 * or, for clients that carry it in headers, from `X-Cursor`; the next one is
 * also echoed in `X-Next-Cursor`.
 */
export function cursorRoute(events: readonly DemoCursorEvent[]): DemoRoute {
  return (request: DemoRequest): DemoResponse | undefined => {
    if (request.url.pathname !== CURSOR_PATH) return undefined;
    if (!isRead(request)) return methodNotAllowed();
    const limit = parseLimit(request.url.searchParams.get('limit'));
    if (limit === undefined) return badRequest(`invalid limit: expected an integer from 1 to ${MAX_LIMIT}`);
    const header = request.headers['x-cursor'];
    const raw = request.url.searchParams.get('cursor') ?? (Array.isArray(header) ? header[0] : header) ?? '';
    const after = raw === '' ? 0 : decodeCursor(raw, events.length);
    if (after === undefined) return badRequest('invalid cursor');

    const data = events.slice(after, after + limit); // ids are 1-based and dense
    const hasMore = after + data.length < events.length;
    const last = data.at(-1);
    const next = hasMore && last ? encodeCursor(last.id) : null;
    return jsonValue(200, { data, has_more: hasMore, next_cursor: next }, next ? { 'x-next-cursor': next } : {});
  };
}

function decodeCursor(raw: string, total: number): number | undefined {
  const text = Buffer.from(raw, 'base64url').toString('utf8');
  const match = /^after:(\d{1,9})$/.exec(text);
  // Re-encoding rejects the garbage Node's lenient base64 decoder lets through.
  if (!match || encodeCursor(Number(match[1])) !== raw) return undefined;
  const id = Number(match[1]);
  return id >= 1 && id <= total ? id : undefined;
}

function parseLimit(raw: string | null): number | undefined {
  if (raw === null || raw === '') return DEFAULT_LIMIT;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < 1) return undefined;
  return Math.min(Number(raw), MAX_LIMIT);
}

function payloadFor(random: Random, type: string): Record<string, string | number | boolean> {
  if (type.startsWith('user.')) {
    return { country: random.pick(COUNTRIES), plan: random.pick(['free', 'pro', 'team']), mfa: random.chance(0.4) };
  }
  return {
    order_id: `ord_${random.digits(8)}`,
    currency: random.pick(CURRENCIES),
    items: random.int(1, 12),
    country: random.pick(COUNTRIES),
  };
}
