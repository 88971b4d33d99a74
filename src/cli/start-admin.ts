import type { RunNow } from '../admin/run-now.js';
import type { AdminServer } from '../admin/serve-admin.js';
import type { ResolvedConfig } from '../config/types.js';
import type { SiphonMetrics } from '../metrics/siphon-metrics.js';
import type { Store } from '../store/types.js';
import type { CliLog } from './cli-log.js';

export interface StartAdminOptions {
  readonly config: ResolvedConfig;
  /** Initialised; closed by the caller after the admin. */
  readonly store: Store;
  readonly host: string;
  readonly port: number;
  readonly runNow: RunNow | undefined;
  /**
   * How the address is printed when the token was generated: with the token
   * in it (`/?token=…`, reusable, like a notebook server), or as a one-time
   * login link (`/login?ticket=…`).
   */
  readonly link: 'token' | 'ticket';
  /** Served at `/metrics`, behind the token unless `metricsPublic`. */
  readonly metrics?: SiphonMetrics | undefined;
  readonly metricsPublic?: boolean | undefined;
  /** Where the address is logged. @default createCliLog() */
  readonly log?: CliLog | undefined;
  /** @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
}

/**
 * Starts the web admin for a command (`siphon start`, `siphon admin`,
 * `npm start`) and prints where it is and how to log in. The token is
 * `SIPHON_ADMIN_TOKEN`, or one generated for this process.
 */
export async function startAdmin(options: StartAdminOptions): Promise<AdminServer> {
  const { createAdminApp } = await import('../admin/admin-app.js');
  const { adminTokenFrom, ADMIN_TOKEN_ENV } = await import('../admin/admin-token-source.js');
  const { serveAdmin } = await import('../admin/serve-admin.js');
  const source = adminTokenFrom(options.env ?? process.env);
  const app = createAdminApp({
    config: options.config,
    store: options.store,
    token: source.token,
    runNow: options.runNow,
    metrics: options.metrics?.handler(),
    metricsPublic: options.metricsPublic,
  });
  const server = await serveAdmin({ fetch: app.fetch, host: options.host, port: options.port, tokenConfigured: source.configured });
  const log = options.log ?? (await import('./cli-log.js')).createCliLog();
  const fields = { event: 'admin', url: server.url };
  if (source.configured) log.info(`admin: ${server.url}/ (log in with the token in ${ADMIN_TOKEN_ENV})`, fields);
  else if (options.link === 'ticket') log.info(`admin: ${server.url}${app.loginLink()} (a one-time login link)`, fields);
  else
    log.info(
      `admin: ${server.url}/?token=${source.token} (token generated for this process; set ${ADMIN_TOKEN_ENV} to choose one)`,
      fields,
    );
  return server;
}
