import { Hono } from 'hono';
import { packageVersion } from '../util/package-version.js';
import type { AdminEnv } from './admin-env.js';
import { AdminHttpError } from './admin-http-error.js';
import type { AdminAppOptions } from './admin-options.js';
import { AdminState } from './admin-state.js';
import { mountApiRoutes } from './api/api-route.js';
import { configApi } from './api/config-api.js';
import { openApiDocument } from './api/openapi.js';
import { reportsApi } from './api/reports-api.js';
import { resourcesApi } from './api/resources-api.js';
import { runsApi } from './api/runs-api.js';
import { tablesApi } from './api/tables-api.js';
import { chartsPage } from './charts-page.js';
import { configPage } from './config-page.js';
import { csrfGuard } from './csrf-guard.js';
import { errorResponse } from './error-page.js';
import { exactJson } from './exact-json.js';
import { loginPage, loginRoutes } from './login-page.js';
import { overviewPage } from './overview-page.js';
import { reportsPage } from './reports-page.js';
import { runPage } from './run-page.js';
import { runsPage } from './runs-page.js';
import { securityHeaders } from './security-headers.js';
import { tablePage } from './table-page.js';
import { tablesPage } from './tables-page.js';
import { tokenGuard } from './token-guard.js';

/** The admin: a fetch-style app (`app.fetch(request)`, `app.request(path)`), served by `serveAdmin` or any fetch server. */
export type AdminApp = Hono<AdminEnv> & {
  /** A one-time login path (`/login?ticket=…`): its first visit logs that browser in. */
  loginLink(): string;
};

/**
 * The web admin and its JSON API over one config and store. Every page,
 * asset and API call needs the token (a bearer header, or the session cookie
 * a login sets); every action is a POST carrying the CSRF token. Nothing it
 * renders holds a secret: the config shows `${env:NAME}` by name.
 */
export function createAdminApp(options: AdminAppOptions): AdminApp {
  const state = new AdminState(options);
  const app = new Hono<AdminEnv>();
  app.use(securityHeaders());
  const { metrics } = options;
  // Registered before the guard, a public /metrics answers without it; otherwise it sits behind it like everything else.
  if (metrics && options.metricsPublic) app.get('/metrics', (c) => metrics(c.req.raw));
  app.use(tokenGuard({ secrets: state.secrets, loginPage: (c) => loginPage(c, { status: 401 }) }));
  app.use(csrfGuard({ secrets: state.secrets }));

  loginRoutes(app, state);
  app.get('/assets/:file', (c) => {
    const asset = state.assets.find(c.req.path);
    if (!asset) throw new AdminHttpError(404, `no asset ${c.req.path}`);
    return c.body(asset.body, 200, { 'content-type': asset.type, 'cache-control': 'private, max-age=31536000, immutable' });
  });
  for (const page of [overviewPage, runsPage, runPage, chartsPage, tablesPage, tablePage, reportsPage, configPage]) page(app, state);

  const routes = [...resourcesApi(state), ...runsApi(state), ...tablesApi(state), ...reportsApi(state), ...configApi(state)];
  mountApiRoutes(app, routes);
  const document = openApiDocument(routes, packageVersion());
  app.get('/api/v1/openapi.json', () => exactJson(document));
  if (metrics && !options.metricsPublic) app.get('/metrics', (c) => metrics(c.req.raw));

  app.notFound((c) => errorResponse(c, state, new AdminHttpError(404, `nothing at ${c.req.path}`)));
  app.onError((error, c) => errorResponse(c, state, error));
  return Object.assign(app, { loginLink: () => `/login?ticket=${state.tickets.issue()}` });
}
