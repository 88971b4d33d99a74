import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { sameSecret } from '../admin/admin-token.js';
import { isLoopback } from '../admin/serve-admin.js';
import { ConfigError } from '../errors/config-error.js';
import type { SiphonMetrics } from './siphon-metrics.js';

export interface ServeMetricsOptions {
  readonly metrics: SiphonMetrics;
  /** @default '127.0.0.1' */
  readonly host?: string | undefined;
  /** 0 picks a free port. */
  readonly port: number;
  /** When set, a scrape must send `Authorization: Bearer <token>` (Prometheus' `authorization` scrape setting). */
  readonly token?: string | undefined;
  /**
   * Answers without a token even when one is set, and lets a non-loopback
   * address go without one: run counts and error rates for anyone who can reach it.
   * @default false
   */
  readonly public?: boolean | undefined;
}

export interface MetricsServer {
  /** `http://127.0.0.1:9464`, with the port actually bound. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * `GET /metrics` on a port of its own (`siphon worker --metrics-port`): the
 * worker has no admin to mount it on. Guarded like the admin's: loopback or
 * a token, unless made public on purpose.
 */
export async function serveMetrics(options: ServeMetricsOptions): Promise<MetricsServer> {
  const host = options.host ?? '127.0.0.1';
  const guarded = options.token !== undefined && options.public !== true;
  if (!isLoopback(host) && !guarded && options.public !== true) {
    throw new ConfigError(
      'metrics',
      `serving metrics on ${host} opens them beyond this machine; set SIPHON_ADMIN_TOKEN for scrapers to send, or pass --metrics-public`,
    );
  }
  const handler = options.metrics.handler();
  const server = serve({
    hostname: host,
    port: options.port,
    fetch: async (request) => {
      const path = new URL(request.url).pathname;
      if (path !== '/metrics' || request.method !== 'GET') return new Response('not found: scrape GET /metrics\n', { status: 404 });
      if (guarded) {
        const given = /^Bearer (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1] ?? '';
        if (!sameSecret(given, options.token as string)) {
          return new Response('unauthorized: send Authorization: Bearer <SIPHON_ADMIN_TOKEN>\n', {
            status: 401,
            headers: { 'www-authenticate': 'Bearer' },
          });
        }
      }
      return handler(request);
    },
  });
  const address = await new Promise<AddressInfo>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new ConfigError('metrics', `port ${options.port} on ${host} is in use; pick another with --metrics-port`)
          : error,
      ),
    );
    server.once('listening', () => resolve(server.address() as AddressInfo));
  });
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shown}:${address.port}`,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
