import type { ResolvedResource } from '../config/types.js';
import { IncompleteSyncError } from '../errors/incomplete-sync-error.js';
import type { QueryParams } from '../http/types.js';
import type { SyncEvent } from './sync-events.js';
import type { WalkCount } from './walk-count.js';

/** Warnings shown for one run at most; the rest are counted. */
const MAX_WARNINGS = 5;

/**
 * The totals of every walk of a run (one, or one per parent row): the
 * first walk short of its total fails the run once the batches are in, and
 * every other difference is a warning.
 */
export class TotalsCheck {
  readonly #resource: ResolvedResource;
  readonly #detected: () => string | undefined;
  #error: IncompleteSyncError | undefined;
  readonly #warnings: string[] = [];
  #unshown = 0;

  constructor(resource: ResolvedResource, detected: () => string | undefined) {
    this.#resource = resource;
    this.#detected = detected;
  }

  walkEnded(count: WalkCount): void {
    const verdict = checkTotals(count, this.#resource, this.#detected());
    if (!verdict) return;
    if ('error' in verdict) this.#error ??= verdict.error;
    else if (this.#warnings.length < MAX_WARNINGS) this.#warnings.push(verdict.warning);
    else this.#unshown += 1;
  }

  /** Reports the warnings, then throws the failure if there is one. */
  settle(onEvent: ((event: SyncEvent) => void) | undefined): void {
    const resource = this.#resource.id;
    for (const message of this.#warnings) onEvent?.({ type: 'warning', resource, message });
    if (this.#unshown > 0)
      onEvent?.({ type: 'warning', resource, message: `${this.#unshown} more walks differ from their announced totals` });
    if (this.#error) throw this.#error;
  }
}

/** A walk measured against its announced total: a failure, a warning, or nothing to say. */
export type TotalsVerdict = { readonly error: IncompleteSyncError } | { readonly warning: string } | undefined;

/**
 * Never a silent partial sync: a walk that got fewer distinct records (or
 * pages) than its API announced fails the run, with what to declare,
 * unless the resource says `expectTotal: false` or the walk was cut short
 * on purpose by `maxPages` (then it is a warning, as is getting more than
 * announced). `detected` is what `auto` settled on, when it did.
 */
export function checkTotals(count: WalkCount, resource: ResolvedResource, detected: string | undefined): TotalsVerdict {
  const counted =
    count.total !== undefined
      ? { announced: count.total, got: count.distinct, unit: 'records' as const }
      : count.totalPages !== undefined
        ? { announced: count.totalPages, got: count.pages, unit: 'pages' as const }
        : undefined;
  if (!counted || counted.got === counted.announced) return undefined;
  const where = count.label ? `${resource.id} (${count.label})` : resource.id;
  const said = `got ${counted.got} of ${counted.announced}${counted.unit === 'pages' ? ' pages' : ''} announced`;
  if (counted.got > counted.announced) {
    return { warning: `${where}: ${said}: more than the API's total, which may count something else` };
  }
  const limit = maxPages(resource);
  if (limit !== undefined && count.pages >= limit) return { warning: `${where}: ${said}: the walk stopped at maxPages ${limit}` };
  if (!resource.expectTotal) return { warning: `${where}: ${said} (expectTotal: false)` };
  return { error: new IncompleteSyncError(where, counted, hint(resource, detected, count.pages)) };
}

function maxPages(resource: ResolvedResource): number | undefined {
  const own = (resource.paginator as { maxPages?: unknown }).maxPages;
  const limits = [resource.maxPages, own].filter((limit): limit is number => typeof limit === 'number');
  return limits.length > 0 ? Math.min(...limits) : undefined;
}

const WAY_OUT = 'or set expectTotal: false if its total counts something else';

function hint(resource: ResolvedResource, detected: string | undefined, pages: number): string {
  const type = resource.paginator.type;
  const single = type === 'single' || (type === 'auto' && detected?.startsWith('auto: single') === true);
  if (single) {
    const how = type === 'auto' ? 'the paginator was detected as single' : 'the paginator is single';
    return `${how} — ${suggestPaginator(resource.params)}; ${WAY_OUT}`;
  }
  const paginator = detected ?? type;
  return `the walk ended after ${pages} page${pages === 1 ? '' : 's'} (paginator ${paginator}): check its stop conditions (pageSize, totalPath, hasMorePath) and page parameter, ${WAY_OUT}`;
}

/** What to declare when `auto` fell back to a single request the API says is not all (for `siphon check`). */
export function singleFallbackHint(resource: ResolvedResource): string {
  return `the paginator was detected as single — ${suggestPaginator(resource.params)}; ${WAY_OUT}`;
}

/** Offset styles by their limit parameter, page-number styles by their size parameter. */
const OFFSET_STYLES: readonly (readonly [limit: string, offset: string])[] = [
  ['_limit', '_start'],
  ['limit', 'offset'],
  ['take', 'skip'],
];
const PAGE_SIZE_PARAMS = ['per_page', 'page_size', 'pageSize', 'perPage', 'size'];

/** The paginator the request's own parameters point at. */
function suggestPaginator(params: QueryParams): string {
  const has = (name: string): boolean => Object.hasOwn(params, name);
  const page = ['_page', 'page'].find(has);
  if (page !== undefined) return `declare \`paginator: { type: pageNumber, pageParam: ${page} }\``;
  const offset = OFFSET_STYLES.find(([limit]) => has(limit));
  if (offset) return `declare \`paginator: { type: offset, offsetParam: ${offset[1]}, limitParam: ${offset[0]} }\``;
  if (PAGE_SIZE_PARAMS.some(has)) return 'declare `paginator: { type: pageNumber, pageParam: page }`';
  return 'declare a paginator (see "Pagination strategies" in the README)';
}
