// Goal 3: how much of what the API allows a walk uses. A declared budget
// (sliding and fixed server windows) should use ≥ 97 % of the allowed rate
// with no rejection; a budget learned from the server's headers and 429s
// alone ≥ 90 % with at most one rejection per window. Beside them, the recipe
// Siphon replaces: sequential pages, a sleep between pages, a fixed long sleep
// on 429 (both time-scaled like the window: the recipe slept 1 s between pages
// of a 30-per-minute API and 60 s on a 429).
import { paginate } from 'siphon-sync';
import { type DemoApiServer, type DemoRateLimit, startDemoApi } from 'siphon-sync/demo-api';
import { type Figure, percent, type Scenario } from '../harness/figure.js';

const REQUESTS = 20;
const WINDOW_MS = 1000;
const PER_PAGE = 10;

interface Walked {
  readonly elapsedMs: number;
  readonly requests: number;
  readonly rejected: number;
}

/** Share of the allowed rate used: the fastest possible time for these requests over the time taken. */
function utilization(walk: Walked): number {
  const idealMs = (Math.ceil(walk.requests / REQUESTS) - 1) * WINDOW_MS;
  return idealMs / walk.elapsedMs;
}

async function withApi<T>(pages: number, limit: DemoRateLimit, body: (api: DemoApiServer) => Promise<T>): Promise<T> {
  const api = await startDemoApi({ seed: 1, size: { coins: pages * PER_PAGE }, rateLimit: limit, latencyMs: 5 });
  try {
    return await body(api);
  } finally {
    await api.close();
  }
}

async function siphonWalk(api: DemoApiServer, declared: boolean): Promise<Walked> {
  api.resetStats();
  const started = performance.now();
  for await (const _ of paginate({
    url: `${api.url}/api/v3/coins/markets`,
    params: { vs_currency: 'usd', per_page: PER_PAGE },
    paginator: { type: 'pageNumber', pageParam: 'page', start: 1 },
    concurrency: 4,
    ...(declared ? { rateLimit: { requests: REQUESTS, per: `${WINDOW_MS}ms` } } : {}),
  })) {
    // pages are dropped: this measures the pacing, not the store
  }
  const elapsedMs = performance.now() - started;
  const stats = api.stats();
  return { elapsedMs, requests: stats.requests, rejected: stats.rejected };
}

async function recipeWalk(api: DemoApiServer): Promise<Walked> {
  api.resetStats();
  const pause = WINDOW_MS / 60; // sleep(1) against a 60 s window
  const started = performance.now();
  for (let page = 1; ; ) {
    const response = await fetch(`${api.url}/api/v3/coins/markets?vs_currency=usd&per_page=${PER_PAGE}&page=${page}`);
    const body = (await response.json()) as unknown;
    if (response.status === 429) {
      await new Promise((resolve) => setTimeout(resolve, WINDOW_MS)); // sleep(60) against a 60 s window
      continue;
    }
    if (!Array.isArray(body) || body.length === 0) break;
    page += 1;
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
  const elapsedMs = performance.now() - started;
  const stats = api.stats();
  return { elapsedMs, requests: stats.requests, rejected: stats.rejected };
}

export const rateLimit: Scenario = {
  name: 'rate-limit',
  description: `share of a ${REQUESTS} per ${WINDOW_MS} ms limit a walk uses, declared and learned, beside the recipe`,
  async run({ quick }) {
    const pages = quick ? 60 : 200;
    const figures: Figure[] = [];
    for (const window of ['sliding', 'fixed'] as const) {
      const limit: DemoRateLimit = { requests: REQUESTS, perMs: WINDOW_MS, window, headers: 'x-ratelimit' };
      const [declared, learned, recipe] = await withApi(pages, limit, async (api) => [
        await siphonWalk(api, true),
        await siphonWalk(api, false),
        await recipeWalk(api),
      ]);
      const baseline = `recipe: ${percent(utilization(recipe))}, ${recipe.rejected} rejected`;
      const windows = Math.ceil(learned.elapsedMs / WINDOW_MS);
      figures.push(
        {
          scenario: 'rate-limit',
          figure: `declared budget, ${window} window, ${pages} pages`,
          goal: '≥ 97 %, 0 rejected',
          baseline,
          measured: `${percent(utilization(declared))}, ${declared.rejected} rejected`,
          ratio: utilization(declared),
          pass: utilization(declared) >= 0.97 && declared.rejected === 0,
        },
        {
          scenario: 'rate-limit',
          figure: `learned from headers, ${window} window, ${pages} pages`,
          goal: '≥ 90 %, ≤ 1 rejected per window',
          baseline,
          measured: `${percent(utilization(learned))}, ${learned.rejected} rejected in ${windows} windows`,
          ratio: utilization(learned),
          pass: utilization(learned) >= 0.9 && learned.rejected <= windows,
        },
      );
    }
    return figures;
  },
};
