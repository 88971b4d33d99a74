import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { AdminContext } from './admin-env.js';
import type { AdminState } from './admin-state.js';
import { LOGIN_STYLE } from './login-style.js';

export type NavKey = 'overview' | 'runs' | 'charts' | 'tables' | 'reports' | 'config';

const NAV: readonly [NavKey, string, string][] = [
  ['overview', '/', 'Overview'],
  ['runs', '/runs', 'Runs'],
  ['charts', '/charts', 'Charts'],
  ['tables', '/tables', 'Tables'],
  ['reports', '/reports', 'Reports'],
  ['config', '/config', 'Config'],
];

export interface LayoutProps {
  readonly state: AdminState;
  readonly title: string;
  readonly nav?: NavKey | undefined;
  /** Loads uPlot: the page draws charts. */
  readonly charts?: boolean | undefined;
  readonly children?: Child;
}

/** The page shell: navigation, the logout form, the package's own CSS and script. */
export function Layout({ state, title, nav, charts, children }: LayoutProps) {
  const { assets } = state;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="csrf-token" content={state.secrets.csrf} />
        <title>{`${title} · Siphon`}</title>
        <link rel="stylesheet" href={assets.url('admin.css')} />
        {charts && <link rel="stylesheet" href={assets.url('uplot.css')} />}
        {charts && <script src={assets.url('uplot.js')} defer />}
        <script src={assets.url('admin.js')} defer />
      </head>
      <body>
        <header class="top">
          <a class="brand" href="/">
            Siphon
          </a>
          <nav>
            {NAV.map(([key, href, label]) => (
              <a href={href} class={key === nav ? 'active' : undefined}>
                {label}
              </a>
            ))}
          </nav>
          <form method="post" action="/logout" class="logout">
            <input type="hidden" name="_csrf" value={state.secrets.csrf} />
            <button type="submit" class="link">
              Log out
            </button>
          </form>
        </header>
        <main>
          <h1>{title}</h1>
          {children}
        </main>
      </body>
    </html>
  );
}

/** A page shown before login: no navigation, and its styles inline (the asset files need the token). */
export function BarePage({ title, children }: { title: string; children?: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · Siphon`}</title>
        <style>{raw(LOGIN_STYLE)}</style>
      </head>
      <body class="bare">
        <main>
          <h1>{title}</h1>
          {children}
        </main>
      </body>
    </html>
  );
}

/** Sends a rendered page with its doctype. */
export function sendPage(
  c: AdminContext,
  page: Child,
  status: 200 | 400 | 401 | 403 | 404 | 409 | 500 = 200,
): Response | Promise<Response> {
  return c.html(`<!doctype html>${String(page)}`, status);
}
