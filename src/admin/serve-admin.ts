import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { ConfigError } from '../errors/config-error.js';

export interface ServeAdminOptions {
  /** The app's fetch handler (`createAdminApp(…).fetch`). */
  readonly fetch: (request: Request) => Response | Promise<Response>;
  /** @default '127.0.0.1' */
  readonly host?: string | undefined;
  /** 0 picks a free port. @default 8080 */
  readonly port?: number | undefined;
  /**
   * Whether the token was configured (`SIPHON_ADMIN_TOKEN`) rather than
   * generated at start. Only a configured token may guard an admin bound
   * beyond this machine: a generated one is printed to a terminal that
   * other people's requests do not pass through.
   */
  readonly tokenConfigured: boolean;
}

export interface AdminServer {
  /** `http://127.0.0.1:8080`, with the port actually bound. */
  readonly url: string;
  close(): Promise<void>;
}

const DEFAULTS = { host: '127.0.0.1', port: 8080 } as const;

/** Whether `host` only ever reaches this machine. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare);
}

/**
 * Serves the admin over HTTP on Node. Binding to anything but loopback
 * without a configured token is refused (a `ConfigError` at `admin`).
 */
export async function serveAdmin(options: ServeAdminOptions): Promise<AdminServer> {
  const { fetch, host, port, tokenConfigured } = { ...DEFAULTS, ...definedOnly(options) };
  if (!isLoopback(host) && !tokenConfigured) {
    throw new ConfigError(
      'admin',
      `serving the admin on ${host} opens it beyond this machine; set SIPHON_ADMIN_TOKEN (a long random secret) first, or use --admin-host 127.0.0.1`,
    );
  }
  const server = serve({ fetch, hostname: host, port });
  const address = await new Promise<AddressInfo>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new ConfigError('admin', `port ${port} on ${host} is in use; pick another with --admin-port (or --port for siphon admin)`)
          : error,
      ),
    );
    server.once('listening', () => resolve(server.address() as AddressInfo));
  });
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shown}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Live views (Server-Sent Events) would hold the server open; end them.
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function definedOnly<T extends object>(options: T): T {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as T;
}
