import { SiphonError, type SiphonErrorOptions } from './siphon-error.js';

/** A page could not be interpreted: records missing or not an array, a bad token, a bad total. */
export class PaginationError extends SiphonError {
  override name: string = 'PaginationError';
  /** The paginator type that raised it. */
  readonly paginator: string;

  constructor(paginator: string, message: string, options: SiphonErrorOptions = {}) {
    super(`${paginator} paginator: ${message}`, { ...options, retryable: false });
    this.paginator = paginator;
  }
}

/** The API handed back a cursor or URL already followed: continuing would loop forever. */
export class PaginationLoopError extends PaginationError {
  override name = 'PaginationLoopError' as const;
  readonly repeated: string;

  constructor(paginator: string, repeated: string, pageIndex: number, options: SiphonErrorOptions = {}) {
    super(paginator, `page ${pageIndex + 1} leads back to ${repeated}, already fetched; stopping instead of looping`, options);
    this.repeated = repeated;
  }
}
