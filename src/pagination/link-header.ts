import { nonEmptyString } from '../util/option-fields.js';
import type { OptionShape } from '../util/strict-options.js';
import { urlStep } from './next-url.js';
import { stopOptionsShape, strategyOptions } from './option-fields.js';
import { checkStop } from './stop-conditions.js';
import type { PageToken, Paginator, StopOptions } from './types.js';

export interface LinkHeaderOptions extends StopOptions {
  type?: 'linkHeader';
  /**
   * Relation type of the link to follow (case-insensitive).
   * @default 'next'
   */
  rel?: string;
}

export interface LinkHeaderConfig extends LinkHeaderOptions {
  type: 'linkHeader';
}

/** The options of {@link linkHeader}, as `createPaginator` and the config file check them. */
export const linkHeaderOptionsSchema = strategyOptions('linkHeader', {
  rel: nonEmptyString.optional(),
  ...stopOptionsShape,
} satisfies OptionShape<Omit<LinkHeaderOptions, 'type'>>);

/** One link of a `Link` header. */
export interface ParsedLink {
  /** Target, resolved against the base URL. */
  url: string;
  /** Relation types, lower-cased (`rel="next last"` gives `['next', 'last']`). */
  rel: string[];
  /** Other parameters by lower-cased name; the first occurrence wins, as RFC 8288 says. */
  params: Record<string, string>;
}

/**
 * Follows the `Link: <…>; rel="next"` header (RFC 8288, GitHub's style).
 * Token: `{ url: string | null }`, `null` being the base request.
 */
export function linkHeader(options: LinkHeaderOptions = {}): Paginator {
  const type = 'linkHeader';
  const rel = (options.rel ?? 'next').toLowerCase();

  return {
    type,
    start(resume?: PageToken) {
      return urlStep(type, resume);
    },
    next(ctx) {
      if (checkStop(type, options, ctx, { pageSize: options.pageSize }).reason !== undefined) return null;
      const header = ctx.response.headers.get('link');
      if (!header) return null;
      const link = parseLinkHeader(header, ctx.response.url || ctx.requestUrl).find((l) => l.rel.includes(rel));
      return link ? urlStep(type, { url: link.url }) : null;
    },
    describe() {
      return `linkHeader (Link rel="${rel}")`;
    },
  };
}

/**
 * Parses an RFC 8288 `Link` header value: several links separated by commas
 * (commas inside `<…>` belong to the URL), `;`-separated parameters with
 * quoted or bare values, and RFC 8187 `param*=UTF-8''…` values. Links whose
 * target cannot be resolved against `baseUrl` are dropped rather than failing
 * the page: the header is advisory, and other links may still be usable.
 */
export function parseLinkHeader(value: string, baseUrl: string): ParsedLink[] {
  const links: ParsedLink[] = [];
  let i = 0;
  const n = value.length;
  const skipSpace = (): void => {
    while (i < n && /[\s]/.test(value[i] as string)) i += 1;
  };
  // On a malformed link, resume at the next comma outside a quoted string.
  const skipLink = (): void => {
    let quoted = false;
    while (i < n && (quoted || value[i] !== ',')) {
      if (value[i] === '\\' && quoted) i += 1;
      else if (value[i] === '"') quoted = !quoted;
      i += 1;
    }
  };

  while (i < n) {
    skipSpace();
    if (value[i] === ',') {
      i += 1;
      continue;
    }
    if (i >= n) break;
    if (value[i] !== '<') {
      skipLink();
      continue;
    }
    const close = value.indexOf('>', i + 1);
    if (close < 0) break;
    const target = value.slice(i + 1, close).trim();
    i = close + 1;

    const params: Record<string, string> = {};
    const extended: Record<string, string> = {};
    for (;;) {
      skipSpace();
      if (value[i] !== ';') break;
      i += 1;
      skipSpace();
      const name = /^[^\s=;,]*/.exec(value.slice(i))?.[0] ?? '';
      i += name.length;
      skipSpace();
      let paramValue = '';
      if (value[i] === '=') {
        i += 1;
        skipSpace();
        if (value[i] === '"') {
          i += 1;
          while (i < n && value[i] !== '"') {
            if (value[i] === '\\' && i + 1 < n) i += 1;
            paramValue += value[i];
            i += 1;
          }
          i += 1;
        } else {
          const bare = /^[^;,]*/.exec(value.slice(i))?.[0] ?? '';
          paramValue = bare.trim();
          i += bare.length;
        }
      }
      if (!name) continue;
      const key = name.toLowerCase();
      if (key.endsWith('*')) {
        const base = key.slice(0, -1);
        const decoded = decodeExtended(paramValue);
        if (decoded !== undefined && !Object.hasOwn(extended, base)) extended[base] = decoded;
      } else if (!Object.hasOwn(params, key)) {
        params[key] = paramValue;
      }
    }
    // RFC 8187: the extended form wins when both are present.
    Object.assign(params, extended);

    let url: string;
    try {
      url = new URL(target, baseUrl || undefined).href;
    } catch {
      continue;
    }
    const rel = (params.rel ?? '').toLowerCase().split(/\s+/).filter(Boolean);
    links.push({ url, rel, params });
  }
  return links;
}

function decodeExtended(value: string): string | undefined {
  const match = /^([^']*)'[^']*'(.*)$/.exec(value);
  if (!match) return undefined;
  try {
    return decodeURIComponent(match[2] as string);
  } catch {
    return undefined;
  }
}
