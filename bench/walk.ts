// Walks each style of the demo API (5,000 records) and prints a table of
// throughput; run with `npm run bench`. Loopback only.
import { fetchRecords, type PaginateOptions } from 'siphon-sync';
import { startDemoApi } from 'siphon-sync/demo-api';

const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 20);
const size = { coins: 5000, comments: 5000, posts: 1000, drfItems: 5000, cursorEvents: 5000 };
const api = await startDemoApi({ seed: 1, size, latencyMs });

interface Case {
  readonly name: string;
  readonly options: PaginateOptions;
  readonly concurrency: readonly number[];
}

const cases: Case[] = [
  {
    name: 'coins pageNumber (250/page)',
    options: { url: `${api.url}/api/v3/coins/markets`, params: { vs_currency: 'usd', per_page: 250 }, paginator: 'pageNumber' },
    concurrency: [1, 4],
  },
  {
    name: 'comments offset (100/page)',
    options: {
      url: `${api.url}/comments`,
      params: { _limit: 100 },
      paginator: { type: 'offset', offsetParam: '_start', limitParam: '_limit' },
    },
    concurrency: [1, 4],
  },
  {
    name: 'comments Link header (100/page)',
    options: { url: `${api.url}/comments?_page=1&_limit=100`, paginator: 'linkHeader' },
    concurrency: [1],
  },
  {
    name: 'DRF next URL (100/page)',
    options: {
      url: `${api.url}/drf/items`,
      params: { page_size: 100 },
      paginator: 'nextUrl',
      auth: { type: 'token', token: 'demo-token' },
    },
    concurrency: [1],
  },
  {
    name: 'cursor (100/page)',
    options: { url: `${api.url}/cursor/events`, params: { limit: 100 }, paginator: 'cursor' },
    concurrency: [1],
  },
];

const rows: string[][] = [['walk', 'in flight', 'records', 'requests', 'ms', 'records/s']];
for (const entry of cases) {
  for (const concurrency of entry.concurrency) {
    api.resetStats();
    const started = performance.now();
    let records = 0;
    for await (const _ of fetchRecords({ ...entry.options, concurrency })) records += 1;
    const ms = performance.now() - started;
    rows.push([
      entry.name,
      String(concurrency),
      String(records),
      String(api.stats().requests),
      ms.toFixed(0),
      Math.round((records / ms) * 1000).toString(),
    ]);
  }
}
await api.close();

const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
console.log(`demo API latency ${latencyMs} ms per request, node ${process.version}`);
for (const row of rows) console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
