import { PaginationError } from '../errors/pagination-error.js';
import { describeValue } from '../util/describe-value.js';
import { jsonPath } from '../util/json-path.js';
import type { OptionShape } from '../util/strict-options.js';
import { jsonPathOption, stopOptionsShape, strategyOptions } from './option-fields.js';
import { checkStop } from './stop-conditions.js';
import type { PageStep, PageToken, Paginator, StopOptions } from './types.js';

export interface NextUrlOptions extends StopOptions {
  type?: 'nextUrl';
  /**
   * JSON path of the next page's URL in the body (Django REST framework's `next`).
   * @default 'next'
   */
  nextPath?: string;
}

export interface NextUrlConfig extends NextUrlOptions {
  type: 'nextUrl';
}

/** The options of {@link nextUrl}, as `createPaginator` and the config file check them. */
export const nextUrlOptionsSchema = strategyOptions('nextUrl', {
  nextPath: jsonPathOption.optional(),
  ...stopOptionsShape,
} satisfies OptionShape<Omit<NextUrlOptions, 'type'>>);

/**
 * Follows a URL the body hands out, absolute or relative to the response.
 * Token: `{ url: string | null }`, `null` being the base request.
 */
export function nextUrl(options: NextUrlOptions = {}): Paginator {
  const type = 'nextUrl';
  const path = jsonPath(options.nextPath ?? 'next');

  return {
    type,
    start(resume?: PageToken) {
      return urlStep(type, resume);
    },
    next(ctx) {
      if (checkStop(type, options, ctx, { pageSize: options.pageSize }).reason !== undefined) return null;
      const raw = path.get(ctx.response.body);
      if (raw === undefined || raw === null || raw === '') return null;
      if (typeof raw !== 'string') {
        throw new PaginationError(type, `next URL at "${path.source}" must be a string, got ${describeValue(raw)}`);
      }
      return urlStep(type, { url: resolveUrl(type, raw, ctx.response.url || ctx.requestUrl) });
    },
    describe() {
      return `nextUrl (body "${path.source}")`;
    },
  };
}

/** The step for a `{ url }` token, shared with the Link header strategy. */
export function urlStep(type: string, resume: PageToken | undefined): PageStep {
  if (resume === undefined || resume.url === null) return { patch: {}, token: { url: null } };
  const url = resume.url;
  if (typeof url !== 'string' || !URL.canParse(url)) {
    throw new PaginationError(type, `cannot resume from token ${describeValue(resume)}: expected { url: absolute URL | null }`);
  }
  return { patch: { url }, token: { url } };
}

/** `reference` resolved against the URL of the page that held it. */
export function resolveUrl(type: string, reference: string, base: string): string {
  try {
    return new URL(reference.trim(), base || undefined).href;
  } catch (cause) {
    throw new PaginationError(type, `next URL ${describeValue(reference)} is not a valid URL (relative to ${base || 'nothing'})`, {
      cause,
    });
  }
}
