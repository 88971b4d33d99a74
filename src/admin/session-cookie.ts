import { deleteCookie, setCookie } from 'hono/cookie';
import type { AdminContext } from './admin-env.js';

/** The cookie a logged-in browser sends. */
export const SESSION_COOKIE = 'siphon_admin';

/**
 * Logs the browser in: HttpOnly (no script reads it), SameSite=Strict (no
 * other site's page sends it), Secure when the admin is reached over HTTPS.
 * A session cookie: it ends with the browser session.
 */
export function setSessionCookie(c: AdminContext, value: string): void {
  setCookie(c, SESSION_COOKIE, value, { httpOnly: true, sameSite: 'Strict', path: '/', secure: isHttps(c) });
}

export function clearSessionCookie(c: AdminContext): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: isHttps(c) });
}

function isHttps(c: AdminContext): boolean {
  return new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';
}

/** A `next` parameter made safe to redirect to: a path of this site, nothing else. */
export function localPath(next: string | undefined): string {
  if (next === undefined || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  return next;
}
