// A plain /coins/markets for the scenarios the demo API cannot serve: coins
// that change between runs, and a million of them without holding a million
// JSON texts in the benchmark's own process.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CoinsServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves `records` coins, the JSON text of coin `index` (0-based) from `coinAt`, paged like CoinGecko. */
export async function serveCoins(records: number, coinAt: (index: number) => string): Promise<CoinsServer> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const perPage = Number(url.searchParams.get('per_page'));
    const page = Number(url.searchParams.get('page'));
    const parts: string[] = [];
    for (let index = (page - 1) * perPage; index < Math.min(page * perPage, records); index += 1) parts.push(coinAt(index));
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(`[${parts.join(',')}]`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
