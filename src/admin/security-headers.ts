import type { MiddlewareHandler } from 'hono';
import type { AdminEnv } from './admin-env.js';
import { LOGIN_STYLE_HASH } from './login-style.js';

/**
 * Only the admin's own scripts, styles and connections; no framing; no
 * referrer beyond the admin itself (a printed `?token=` URL must not travel
 * on; within it, browsers then send the Origin the CSRF guard checks);
 * nothing cached except the fingerprinted assets.
 */
const POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  `style-src 'self' ${LOGIN_STYLE_HASH}`,
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "form-action 'self'",
  "base-uri 'none'",
  "object-src 'none'",
].join('; ');

export function securityHeaders(): MiddlewareHandler<AdminEnv> {
  return async (c, next) => {
    await next();
    c.header('Content-Security-Policy', POLICY);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('X-Frame-Options', 'DENY');
    c.header('Referrer-Policy', 'same-origin');
    c.header('Cross-Origin-Opener-Policy', 'same-origin');
    if (!c.res.headers.has('Cache-Control')) c.header('Cache-Control', 'no-store');
  };
}
