import * as z from 'zod';
import type { GraphqlErrorEntry } from '../errors/graphql-error.js';
import { expecting } from '../util/option-fields.js';
import { strictOptions } from '../util/strict-options.js';
import { type JsonBody, jsonBodySchema } from './request-body.js';

/**
 * A GraphQL request: POSTed to the resource's path as the JSON body
 * `{ query, variables }`. The `relay` paginator sets its cursor variable in
 * `variables`; a response with `errors` fails the page.
 */
export interface GraphqlRequest {
  /** The operation, with `$variables` for what changes (the cursor: `$after`). */
  query: string;
  /** Variables sent with every page (`{ first: 100 }`); the paginator adds its cursor. */
  variables?: JsonBody;
}

export const graphqlRequestSchema = strictOptions({
  query: z.string(expecting('a GraphQL query string')).refine((query) => query.trim() !== '', 'must not be empty'),
  variables: jsonBodySchema.optional(),
});

graphqlRequestSchema satisfies z.ZodType<GraphqlRequest>;

/** The JSON body of `request`: `variables` always an object, so a paginator can set its cursor in it. */
export function graphqlBody(request: GraphqlRequest): JsonBody {
  return { query: request.query, variables: request.variables ?? {} };
}

/** The `errors` of a GraphQL response, or `undefined` when it has none. */
export function graphqlErrorsOf(body: unknown): GraphqlErrorEntry[] | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const { errors } = body as { errors?: unknown };
  if (errors === undefined || errors === null || (Array.isArray(errors) && errors.length === 0)) return undefined;
  const list = Array.isArray(errors) ? errors : [errors];
  return list.map((item): GraphqlErrorEntry => {
    if (item === null || typeof item !== 'object') return { message: String(item) };
    const entry = item as { message?: unknown; path?: unknown; extensions?: { code?: unknown } | null; type?: unknown };
    const message = typeof entry.message === 'string' ? entry.message : JSON.stringify(item);
    const path = Array.isArray(entry.path) ? entry.path.join('.') : undefined;
    const rawCode = entry.extensions?.code ?? entry.type;
    return { message, path, code: typeof rawCode === 'string' ? rawCode : undefined };
  });
}

/** What is wrong with `graphql` beside the rest of the request, for the walk and the config alike. */
export function graphqlProblem(
  graphql: boolean,
  body: boolean,
  paginator: unknown,
): { readonly path: string; readonly message: string } | undefined {
  if (graphql && body) return { path: 'graphql', message: 'graphql is the request body; set either graphql or json/form, not both' };
  const type = paginator !== null && typeof paginator === 'object' ? (paginator as { type?: unknown }).type : paginator;
  if (!graphql && type === 'relay') {
    return { path: 'paginator', message: 'the relay paginator pages a GraphQL connection; set graphql: { query, variables }' };
  }
  return undefined;
}
