import type { Hono } from 'hono';
import * as z from 'zod';
import type { AdminContext, AdminEnv } from '../admin-env.js';
import { parseInput, queryInput } from '../parse-input.js';

/** What a route answers with, for its OpenAPI description. */
export type ApiBody =
  | { readonly kind: 'json'; readonly schema: z.ZodType }
  | { readonly kind: 'stream'; readonly type: 'text/event-stream' }
  | { readonly kind: 'file'; readonly types: readonly string[] };

/**
 * One route of the JSON API: its zod schemas are both what the handler
 * checks its input with and what the OpenAPI document says about it.
 */
export interface ApiRouteSpec<P extends z.ZodObject, Q extends z.ZodObject> {
  readonly method: 'get' | 'post';
  /** Hono path under /api/v1, e.g. `/runs/:id`. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly tag: string;
  readonly params?: P | undefined;
  readonly query?: Q | undefined;
  readonly status?: 200 | 202 | undefined;
  readonly response: ApiBody;
  readonly handle: (c: AdminContext, input: { readonly params: z.output<P>; readonly query: z.output<Q> }) => Response | Promise<Response>;
}

export type ApiRoute = ApiRouteSpec<z.ZodObject, z.ZodObject>;

/** Types a route's handler by its schemas. */
export function apiRoute<
  P extends z.ZodObject = z.ZodObject<Record<string, never>>,
  Q extends z.ZodObject = z.ZodObject<Record<string, never>>,
>(spec: ApiRouteSpec<P, Q>): ApiRoute {
  return spec as unknown as ApiRoute;
}

export const API_BASE = '/api/v1';

/** Mounts the routes: each checks its path and query parameters (400 naming each problem), then handles. */
export function mountApiRoutes(app: Hono<AdminEnv>, routes: readonly ApiRoute[]): void {
  for (const route of routes) {
    const params = route.params ?? z.object({});
    const query = route.query ?? z.object({});
    app.on(route.method.toUpperCase(), `${API_BASE}${route.path}`, async (c) =>
      route.handle(c, { params: parseInput(params, c.req.param()), query: parseInput(query, queryInput(c, query)) }),
    );
  }
}
