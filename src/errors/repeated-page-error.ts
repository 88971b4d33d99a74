import { PaginationError } from './pagination-error.js';
import type { SiphonErrorOptions } from './siphon-error.js';

/**
 * A page came back with exactly the records of the page before it: the server
 * ignores what the paginator sends (a wrong `pageParam`, say) and would hand
 * out the same page forever. The hint names the option to check.
 */
export class RepeatedPageError extends PaginationError {
  override name = 'RepeatedPageError' as const;
  readonly pageIndex: number;
  readonly hint: string;

  constructor(paginator: string, pageIndex: number, records: number, hint: string, options: SiphonErrorOptions = {}) {
    super(
      paginator,
      `page ${pageIndex + 1} holds the same ${records} record${records === 1 ? '' : 's'} as page ${pageIndex}: ` +
        `the server seems to ignore the page request; ${hint}. Stopping instead of fetching the same page forever`,
      options,
    );
    this.pageIndex = pageIndex;
    this.hint = hint;
  }
}
