import * as z from 'zod';
import { expected } from '../util/describe-value.js';
import { stringifyJson } from '../util/exact-json.js';
import type { JsonValue } from '../util/json.js';
import { jsonPath } from '../util/json-path.js';
import { oneOf } from '../util/option-fields.js';
import type { RequestBody } from './client.js';
import type { QueryParams, QueryValue } from './types.js';

/*
 * The body of a POST or PUT, for search APIs that take their query (and
 * their page, offset or cursor) in it: `json:` sent as application/json,
 * `form:` as application/x-www-form-urlencoded.
 */

/** The methods a resource may send. */
export type RequestMethod = 'GET' | 'POST' | 'PUT';

export const requestMethodSchema = oneOf(['GET', 'POST', 'PUT']);

/** A JSON body: an object, sent as it is written. */
export type JsonBody = { readonly [key: string]: JsonValue };

/** A form body: fields of scalars, or lists of them (a field repeated). */
export type FormBody = QueryParams;

// bigint is for code (a parent's 64-bit key filled into a child's body); a config file never holds one.
const jsonValue: z.ZodType<JsonValue> = z.lazy(
  () =>
    z.union([z.string(), z.number(), z.bigint(), z.boolean(), z.null(), z.array(jsonValue), z.record(z.string(), jsonValue)], {
      error: (issue) => expected('a JSON value', issue.input),
    }) as unknown as z.ZodType<JsonValue>,
);

export const jsonBodySchema = z.record(z.string(), jsonValue, { error: (issue) => expected('an object (the JSON body)', issue.input) });

/** What is wrong with a request's method and body together, at the key to fix; for the walk and the config alike. */
export function requestBodyProblem(
  method: RequestMethod,
  json: boolean,
  form: boolean,
  location: 'query' | 'body',
): { readonly path: string; readonly message: string } | undefined {
  if (json && form) return { path: 'form', message: 'set either json or form, not both' };
  if ((json || form) && method === 'GET') {
    return { path: 'method', message: `a ${json ? 'json' : 'form'} body is sent with POST or PUT; set method: POST (or PUT)` };
  }
  if (location === 'body' && !json && !form) {
    return { path: 'paginator.in', message: 'in: body puts the page parameter in the request body; set json (or form) and method: POST' };
  }
  return undefined;
}

/** The request parts a paginator's parameter can go into. */
export interface BodyParts {
  readonly json?: JsonBody | undefined;
  readonly form?: FormBody | undefined;
}

/** `body` with each of `params` set: at its JSON path in a JSON body, as a field of a form (`null` removes it). */
export function patchBody(parts: BodyParts, params: QueryParams | undefined): BodyParts {
  if (params === undefined) return parts;
  if (parts.form !== undefined) return { form: { ...parts.form, ...params } };
  const json = structuredClone(parts.json ?? {}) as Record<string, unknown>;
  for (const [name, value] of Object.entries(params)) setAt(json, name, value);
  return { json: json as JsonBody };
}

/** The encoded body, or `undefined` when there is none. */
export function encodeBody(parts: BodyParts): RequestBody | undefined {
  if (parts.form !== undefined) {
    const form = new URLSearchParams();
    for (const [name, value] of Object.entries(parts.form)) for (const item of flatten(value)) form.append(name, item);
    return { contentType: 'application/x-www-form-urlencoded', text: form.toString() };
  }
  if (parts.json !== undefined) return { contentType: 'application/json', text: stringifyJson(parts.json) };
  return undefined;
}

/**
 * The scalars of a body by the names a paginator reads its base values
 * under (an offset's limit, a page size): form fields as they are, JSON
 * leaves by dotted path (`paging.limit`).
 */
export function bodyParams(parts: BodyParts): QueryParams {
  if (parts.form !== undefined) return parts.form;
  const out: Record<string, QueryValue> = {};
  const visit = (value: unknown, path: string): void => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, item] of Object.entries(value)) visit(item, path === '' ? key : `${path}.${key}`);
    } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      out[path] = value;
    }
  };
  visit(parts.json ?? {}, '');
  return out;
}

function setAt(target: Record<string, unknown>, name: string, value: QueryValue): void {
  type Container = Record<string | number, unknown>;
  const segments = jsonPath(name).segments;
  let current = target as Container;
  for (const [i, segment] of segments.entries()) {
    if (i === segments.length - 1) {
      if (value === null || value === undefined) delete current[segment];
      else current[segment] = Array.isArray(value) ? [...value] : value;
      return;
    }
    const next = current[segment];
    if (next === null || typeof next !== 'object') {
      const fresh: Container = typeof segments[i + 1] === 'number' ? ([] as unknown as Container) : {};
      current[segment] = fresh;
      current = fresh;
    } else {
      current = next as Container;
    }
  }
}

function flatten(value: QueryValue): string[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.map((item) => String(item));
  return [String(value)];
}
