import type { Context } from 'hono';

/** How the request proved it holds the token: a bearer header (API clients) or the session cookie (browsers). */
export type AdminAuth = 'bearer' | 'cookie';

/** The Hono environment of the admin app: what its middleware leaves for the routes. */
export interface AdminEnv {
  Variables: {
    auth: AdminAuth;
  };
}

export type AdminContext = Context<AdminEnv>;
