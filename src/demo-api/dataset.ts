import { type DemoCoin, generateCoins } from './coins.js';
import { type DemoCursorEvent, generateCursorEvents } from './cursor-api.js';
import { type DemoDrfItem, generateDrfItems } from './drf.js';
import { type DemoComment, type DemoPost, type DemoUser, generateComments, generatePosts, generateUsers } from './jsonplaceholder.js';
import { type DemoApiSize, resolveSize } from './options.js';

/**
 * Everything the demo API serves for a seed, for comparing what a client
 * walked with what the server holds.
 *
 * Coins are exact JSON text (their numbers exceed what a double holds); every
 * other record is a plain object whose `JSON.stringify` is byte for byte what
 * the server sends, in the server's order.
 */
export interface DemoDataset {
  readonly seed: number;
  /** Ordered by `market_cap_rank`. */
  readonly coins: readonly DemoCoin[];
  readonly users: readonly DemoUser[];
  /** Ordered by id; grouped by `userId`. */
  readonly posts: readonly DemoPost[];
  /** Ordered by id; grouped by `postId`. */
  readonly comments: readonly DemoComment[];
  readonly drfItems: readonly DemoDrfItem[];
  /** Ordered by id, which is also the cursor order. */
  readonly cursorEvents: readonly DemoCursorEvent[];
}

/** The data a server started with the same `seed` and `size` serves. */
export function demoDataset(options: { seed?: number; size?: DemoApiSize } = {}): DemoDataset {
  const seed = options.seed ?? 1;
  if (!Number.isSafeInteger(seed)) throw new RangeError(`demo dataset seed must be a safe integer, got ${seed}`);
  const size = resolveSize(options.size);
  return {
    seed,
    coins: generateCoins(seed, size.coins),
    users: generateUsers(seed, size.users),
    posts: generatePosts(seed, size.posts, size.users),
    comments: generateComments(seed, size.comments, size.posts),
    drfItems: generateDrfItems(seed, size.drfItems),
    cursorEvents: generateCursorEvents(seed, size.cursorEvents),
  };
}
