import { BrowseError } from '../errors/browse-error.js';
import { ConfigError } from '../errors/config-error.js';
import { SchemaError } from '../errors/schema-error.js';
import type { AdminContext } from './admin-env.js';
import { AdminHttpError } from './admin-http-error.js';
import type { AdminState } from './admin-state.js';
import { exactJson } from './exact-json.js';
import { Layout, sendPage } from './layout.js';

type ErrorStatus = 400 | 403 | 404 | 409 | 500;

/** The status an error stands for: the caller's mistake (4xx) or ours (500). */
function statusOf(error: Error): ErrorStatus {
  if (error instanceof AdminHttpError) return error.status;
  if (error instanceof BrowseError || error instanceof ConfigError) return 400;
  if (error instanceof SchemaError) return /does not exist/.test(error.message) ? 404 : 400;
  return 500;
}

const TITLES: Readonly<Record<ErrorStatus, string>> = {
  400: 'Bad request',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  500: 'Error',
};

/** An error as the API (JSON) or a page (HTML, in the admin's layout) shows it. */
export function errorResponse(c: AdminContext, state: AdminState, error: Error): Response | Promise<Response> {
  const status = statusOf(error);
  if (c.req.path.startsWith('/api/'))
    return exactJson({ error: TITLES[status].toLowerCase().replace(' ', '_'), message: error.message }, status);
  return sendPage(
    c,
    <Layout state={state} title={TITLES[status]}>
      <p class="error">{error.message}</p>
      <p>
        <a href="/">Overview</a>
      </p>
    </Layout>,
    status,
  );
}
