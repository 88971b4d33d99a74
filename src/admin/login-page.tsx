import type { Hono } from 'hono';
import type { AdminContext, AdminEnv } from './admin-env.js';
import type { AdminState } from './admin-state.js';
import { BarePage, sendPage } from './layout.js';
import { clearSessionCookie, localPath, setSessionCookie } from './session-cookie.js';

/** The login form; `status` 401 when it stands in for a page the browser may not see yet. */
export function loginPage(c: AdminContext, options: { status?: 200 | 401; next?: string; error?: string } = {}) {
  const next = localPath(options.next ?? `${new URL(c.req.url).pathname}${new URL(c.req.url).search}`);
  return sendPage(
    c,
    <BarePage title="Siphon admin">
      <form method="post" action="/login" class="login" id="login">
        {options.error && <p class="error">{options.error}</p>}
        <p class="muted">
          Paste the admin token (<code>SIPHON_ADMIN_TOKEN</code>, or the one printed when the admin started), or open the login link it
          printed.
        </p>
        <input type="hidden" name="next" value={next === '/login' ? '/' : next} />
        <label>
          token <input type="password" name="token" autocomplete="current-password" required autofocus />
        </label>
        <button type="submit">Log in</button>
      </form>
    </BarePage>,
    options.status ?? 200,
  );
}

/** Failed logins wait this long, so guessing a weak token costs time. */
const FAILED_LOGIN_DELAY_MS = 500;

/** `GET /login` (the form, or a one-time `?ticket=`), `POST /login`, `POST /logout`. */
export function loginRoutes(app: Hono<AdminEnv>, state: AdminState): void {
  app.get('/login', (c) => {
    const ticket = c.req.query('ticket');
    if (ticket !== undefined) {
      if (!state.tickets.redeem(ticket))
        return loginPage(c, { status: 401, next: '/', error: 'That login link was used already (or is not one); paste the token.' });
      setSessionCookie(c, state.secrets.session);
      return c.redirect('/', 303);
    }
    return loginPage(c, { next: c.req.query('next') ?? '/' });
  });

  app.post('/login', async (c) => {
    const form = await c.req.parseBody();
    const token = typeof form.token === 'string' ? form.token.trim() : undefined;
    const next = localPath(typeof form.next === 'string' ? form.next : undefined);
    if (!state.secrets.isToken(token)) {
      await new Promise((resolve) => setTimeout(resolve, FAILED_LOGIN_DELAY_MS));
      return loginPage(c, { status: 401, next, error: 'That is not the admin token.' });
    }
    setSessionCookie(c, state.secrets.session);
    return c.redirect(next, 303);
  });

  // Behind the CSRF guard like every action: another site cannot log you out.
  app.post('/logout', (c) => {
    clearSessionCookie(c);
    return c.redirect('/login', 303);
  });
}
