import type { RequestBody } from '../http/client.js';
import { type BodyParts, encodeBody, patchBody } from '../http/request-body.js';
import type { QueryParams, QueryValue } from '../http/types.js';
import type { RequestPatch } from '../pagination/types.js';

/**
 * The URL of one page: a patch URL (a next link) is taken as it is, query
 * included, because the server built it; otherwise the base URL with the base
 * params and the patch params over them (`null` removes a base param).
 */
export function buildPageUrl(
  baseUrl: string,
  baseParams: QueryParams | undefined,
  patch: RequestPatch,
  isSecret: (value: string) => boolean = () => false,
): URL {
  if (patch.url !== undefined) {
    const url = new URL(patch.url, baseUrl);
    // A stored next URL lost its secret params (checkpoints keep none); on the
    // source's own origin they are put back, as the auth is.
    if (baseParams && url.origin === new URL(baseUrl).origin) {
      for (const [name, value] of Object.entries(baseParams)) {
        if (!url.searchParams.has(name) && flatten(value).some(isSecret)) applyParams(url, { [name]: value });
      }
    }
    if (patch.params) applyParams(url, patch.params);
    return url;
  }
  const url = new URL(baseUrl);
  if (baseParams) applyParams(url, baseParams);
  if (patch.params) applyParams(url, patch.params);
  return url;
}

/**
 * The URL and body of one page: with `inBody` (a paginator's `in: body`) the
 * strategy's params are set in the body instead of the query; a next URL it
 * follows stays as it is.
 */
export function buildPageRequest(
  baseUrl: string,
  baseParams: QueryParams | undefined,
  parts: BodyParts,
  inBody: boolean,
  patch: RequestPatch,
  isSecret?: (value: string) => boolean,
): { readonly url: URL; readonly body: RequestBody | undefined } {
  const url = buildPageUrl(baseUrl, baseParams, inBody ? { ...patch, params: undefined } : patch, isSecret);
  return { url, body: encodeBody(inBody ? patchBody(parts, patch.params) : parts) };
}

function applyParams(url: URL, params: QueryParams): void {
  for (const [name, value] of Object.entries(params)) {
    url.searchParams.delete(name);
    for (const item of flatten(value)) url.searchParams.append(name, item);
  }
}

function flatten(value: QueryValue): string[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.map((item) => String(item));
  return [String(value)];
}
