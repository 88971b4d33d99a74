import { strategyOptions } from './option-fields.js';
import type { Paginator } from './types.js';

export interface SingleOptions {
  type?: 'single';
}

export interface SingleConfig extends SingleOptions {
  type: 'single';
}

/** The options of {@link single}: none but its type. */
export const singleOptionsSchema = strategyOptions('single', {});

/** One request and done: endpoints that return everything at once. Token: `{}`. */
export function single(_options: SingleOptions = {}): Paginator {
  return {
    type: 'single',
    // Any token points at the one request there is.
    start: () => ({ patch: {}, token: {} }),
    next: () => null,
    describe: () => 'single',
  };
}
