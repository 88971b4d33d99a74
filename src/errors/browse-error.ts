import { SiphonError, type SiphonErrorOptions } from './siphon-error.js';

/** A data-browser query that cannot run: an unknown column, a value that does not fit its column, a stale cursor. */
export class BrowseError extends SiphonError {
  override name = 'BrowseError' as const;
  /** What was wrong, `sort`, `filter`, `cursor`, …, for an API's error body. */
  readonly field: string;

  constructor(field: string, message: string, options: SiphonErrorOptions = {}) {
    super(message, options);
    this.field = field;
  }
}
