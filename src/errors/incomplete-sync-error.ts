import { SiphonError, type SiphonErrorOptions } from './siphon-error.js';

/**
 * A walk ended with fewer distinct records (or pages) than the API announced:
 * the run got part of the data and must not say it succeeded. Running again
 * the same way ends the same way, so it is not retried.
 */
export class IncompleteSyncError extends SiphonError {
  override name = 'IncompleteSyncError' as const;
  readonly resource: string;
  /** What the API announced, and what the run got, in `unit`. */
  readonly announced: number;
  readonly got: number;
  readonly unit: 'records' | 'pages';

  constructor(
    resource: string,
    counts: { readonly announced: number; readonly got: number; readonly unit: 'records' | 'pages' },
    hint: string,
    options: SiphonErrorOptions = {},
  ) {
    const what = counts.unit === 'pages' ? ' pages' : '';
    super(`${resource}: got ${counts.got} of ${counts.announced}${what} announced; ${hint}`, { ...options, retryable: false });
    this.resource = resource;
    this.announced = counts.announced;
    this.got = counts.got;
    this.unit = counts.unit;
  }
}
