import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { changesRoute } from './changes-route.js';
import { coinsRoute } from './coins-route.js';
import { cursorRoute } from './cursor-api.js';
import { demoDataset } from './dataset.js';
import { drfRoute } from './drf.js';
import { createFaultPlan, createLatency } from './faults.js';
import { graphqlRoute } from './graphql-route.js';
import { jsonServerRoutes } from './json-server-routes.js';
import { openApiRoute } from './openapi-document.js';
import { type DemoApiOptions, resolveOptions } from './options.js';
import { createRateLimiter } from './rate-limiter.js';
import { createRequestHandler } from './request-handler.js';
import { jsonValue } from './route.js';
import { accountsRoute, demoAccounts, searchRoute } from './search-routes.js';
import { send } from './send.js';
import { type DemoApiStats, StatsRecorder } from './stats.js';

export interface DemoApiServer {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  readonly url: string;
  readonly port: number;
  stats(): DemoApiStats;
  resetStats(): void;
  /** The most request arrivals in any window of `ms` milliseconds. */
  maxInWindow(ms: number): number;
  /** Stops listening and destroys every connection, stalled ones included. */
  close(): Promise<void>;
}

/**
 * Starts the deterministic demo API: the stand-in for the internet in
 * Siphon's tests, examples and benchmarks.
 */
export async function startDemoApi(options: DemoApiOptions = {}): Promise<DemoApiServer> {
  const resolved = resolveOptions(options);
  const data = demoDataset({ seed: resolved.seed, size: resolved.size });
  const stats = new StatsRecorder();
  const limit = resolved.rateLimit;
  let url = '';
  const handle = createRequestHandler({
    options: resolved,
    baseUrl: () => url,
    routes: [
      coinsRoute(data.coins),
      jsonServerRoutes(data),
      drfRoute(data.drfItems, resolved.drfToken),
      cursorRoute(data.cursorEvents),
      changesRoute(data.cursorEvents),
      searchRoute(data.cursorEvents),
      graphqlRoute(data.cursorEvents),
      accountsRoute(demoAccounts(data.users), data.posts),
      openApiRoute(),
    ],
    stats,
    limiter: limit ? createRateLimiter(limit.requests, limit.perMs, limit.window) : undefined,
    decideFault: createFaultPlan(resolved.seed, resolved.faults).decide,
    nextLatency: createLatency(resolved.seed, resolved.latency),
  });

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // A bug in the demo API must show up as a 500, not as a hung test.
      if (res.headersSent) res.destroy();
      else send(res, jsonValue(500, { error: 'demo api failure', message: error instanceof Error ? error.message : String(error) }));
    });
  });
  const port = await listen(server, resolved.port, resolved.host);
  url = `http://${resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    maxInWindow: (ms) => stats.maxInWindow(ms),
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Destroys idle keep-alive sockets and in-flight (stalled) ones alike;
        // their pending waits abort on the responses' `close` events.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
