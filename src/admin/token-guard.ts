import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AdminContext, AdminEnv } from './admin-env.js';
import type { AdminSecrets } from './admin-token.js';
import { SESSION_COOKIE, setSessionCookie } from './session-cookie.js';

export interface TokenGuardOptions {
  readonly secrets: AdminSecrets;
  /** What a browser asking for a page without a session gets (status 401). */
  readonly loginPage: (c: AdminContext) => Response | Promise<Response>;
  /**
   * Paths open to everyone: the login page.
   * @default ['/login']
   */
  readonly publicPaths?: readonly string[] | undefined;
  /**
   * Paths answered as JSON.
   * @default '/api/'
   */
  readonly apiPrefix?: string | undefined;
}

const DEFAULTS = { publicPaths: ['/login'], apiPrefix: '/api/' } as const;

/**
 * Lets a request through when it holds the admin token: `Authorization:
 * Bearer <token>`, the session cookie, or (a printed URL) `?token=<token>`,
 * which logs the browser in and redirects to the same address without it.
 * Everything else, assets included, gets 401.
 */
export function tokenGuard(options: TokenGuardOptions): MiddlewareHandler<AdminEnv> {
  const { secrets, loginPage, publicPaths, apiPrefix } = { ...DEFAULTS, ...options };
  return async (c, next) => {
    if (publicPaths.includes(c.req.path)) return next();
    const authorization = c.req.header('authorization');
    if (authorization !== undefined) {
      const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
      if (!secrets.isToken(bearer)) return unauthorized(c, apiPrefix, loginPage, 'the bearer token is not the admin token');
      c.set('auth', 'bearer');
      return next();
    }
    const queryToken = c.req.query('token');
    if (queryToken !== undefined && c.req.method === 'GET' && secrets.isToken(queryToken)) {
      setSessionCookie(c, secrets.session);
      const url = new URL(c.req.url);
      url.searchParams.delete('token');
      return c.redirect(`${url.pathname}${url.search}`, 303);
    }
    if (secrets.isSession(getCookie(c, SESSION_COOKIE))) {
      c.set('auth', 'cookie');
      return next();
    }
    return unauthorized(c, apiPrefix, loginPage, 'log in, or send Authorization: Bearer <admin token>');
  };
}

function unauthorized(
  c: AdminContext,
  apiPrefix: string,
  loginPage: TokenGuardOptions['loginPage'],
  message: string,
): Response | Promise<Response> {
  c.header('WWW-Authenticate', 'Bearer realm="siphon"');
  if (c.req.path.startsWith(apiPrefix)) return c.json({ error: 'unauthorized', message }, 401);
  if (c.req.method === 'GET' && (c.req.header('accept') ?? '').includes('text/html')) return loginPage(c);
  return c.text('unauthorized\n', 401);
}
