import type { MiddlewareHandler } from 'hono';
import type { AdminEnv } from './admin-env.js';
import type { AdminSecrets } from './admin-token.js';

export interface CsrfGuardOptions {
  readonly secrets: AdminSecrets;
  /**
   * Form field holding the token.
   * @default '_csrf'
   */
  readonly field?: string | undefined;
  /**
   * Header holding the token (scripts).
   * @default 'x-csrf-token'
   */
  readonly header?: string | undefined;
}

const DEFAULTS = { field: '_csrf', header: 'x-csrf-token' } as const;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Actions a browser sends with its session cookie must also carry the CSRF
 * token of the admin's own pages (a form field or a header), and come from
 * this origin when the browser says where they come from: another site can
 * make the browser post, but cannot read the token. Bearer requests carry
 * the token itself, which no other site can make a browser send.
 */
export function csrfGuard(options: CsrfGuardOptions): MiddlewareHandler<AdminEnv> {
  const { secrets, field, header } = { ...DEFAULTS, ...options };
  return async (c, next) => {
    if (SAFE_METHODS.has(c.req.method) || c.get('auth') !== 'cookie') return next();
    const origin = c.req.header('origin');
    // `null` is an origin the browser keeps to itself (privacy settings): then the token alone decides.
    if (origin !== undefined && origin !== 'null' && origin !== new URL(c.req.url).origin) {
      return forbidden(c.req.path, c, 'the request comes from another origin');
    }
    let token = c.req.header(header);
    if (token === undefined && /^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(c.req.header('content-type') ?? '')) {
      const value = (await c.req.parseBody())[field];
      token = typeof value === 'string' ? value : undefined;
    }
    if (!secrets.isCsrf(token)) return forbidden(c.req.path, c, 'missing or wrong CSRF token; reload the page and try again');
    return next();
  };
}

function forbidden(path: string, c: Parameters<MiddlewareHandler<AdminEnv>>[0], message: string): Response {
  return path.startsWith('/api/') ? c.json({ error: 'forbidden', message }, 403) : c.text(`forbidden: ${message}\n`, 403);
}
