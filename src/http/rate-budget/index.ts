import type { RateBudget, RateLimitOptions } from '../types.js';
import { SlidingWindowBudget } from './sliding-window-budget.js';

export { LearnedLimit } from './learned-limit.js';
export { type DeclaredLimit, resolveRateLimitOptions } from './rate-limit-options.js';
export { SlidingWindowBudget, type SlidingWindowBudgetOptions } from './sliding-window-budget.js';

/**
 * The budget of one source: an existing `RateBudget` (one shared across
 * clients, or a distributed one) passes through; options, or nothing, make an
 * in-process {@link SlidingWindowBudget}. Without options only the limits the
 * server announces and its pauses apply.
 */
export function createRateBudget(options?: RateLimitOptions | RateBudget): RateBudget {
  if (options !== null && typeof options === 'object' && typeof (options as Partial<RateBudget>).acquire === 'function') {
    return options as RateBudget;
  }
  // The client settles every grant, so its own budget counts requests from their responses.
  const declared = options as RateLimitOptions | undefined;
  // A non-object goes to the constructor as it is, to be refused with its path.
  return new SlidingWindowBudget(typeof declared === 'object' && declared !== null ? { ...declared, holdUntilSettled: true } : declared);
}
export { distributedGuardMs, RedisSlidingWindowBudget, type RedisSlidingWindowBudgetOptions } from './redis-sliding-window-budget.js';
