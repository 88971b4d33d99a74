import { SiphonError, type SiphonErrorOptions } from './siphon-error.js';

/**
 * A high-water mark that is not an instant, where `lookback` or `window` count
 * in time: the resource's cursor field holds something else (a sequence number).
 */
export class IncrementalCursorError extends SiphonError {
  override name = 'IncrementalCursorError' as const;
  readonly resource: string;
  readonly value: string;

  constructor(resource: string, value: string, options: SiphonErrorOptions = {}) {
    super(
      `${resource}: the high-water mark ${JSON.stringify(value)} is not an ISO-8601 instant; incremental.lookback and incremental.window need a timestamp cursorField`,
      { ...options, retryable: false },
    );
    this.resource = resource;
    this.value = value;
  }
}
