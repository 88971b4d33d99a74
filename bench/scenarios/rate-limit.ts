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

const PER_PAGE = 10;

/**
 * A declared budget is measured against a server that announces nothing. A
 * learned one needs the server's headers, which count in whole seconds: a
 * 1 s window would be all rounding, so it gets a 5 s window (real APIs'
 * windows are 60 s or more, where the rounding is smaller still).
 */
interface Limit {
  readonly requests: number;
  readonly windowMs: number;
}
const DECLARED: Limit = { requests: 20, windowMs: 1000 };
const LEARNED: Limit = { requests: 25, windowMs: 5000 };

interface Walked {
  readonly elapsedMs: number;
  readonly requests: number;
  readonly rejected: number;
}

/** Share of the allowed rate used: the fastest possible time for these requests over the time taken. */
function utilization(walk: Walked, limit: Limit): number {
  const idealMs = (Math.ceil(walk.requests / limit.requests) - 1) * limit.windowMs;
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

async function siphonWalk(api: DemoApiServer, declared: Limit | undefined): Promise<Walked> {
  api.resetStats();
  const started = performance.now();
  for await (const _ of paginate({
    url: `${api.url}/api/v3/coins/markets`,
    params: { vs_currency: 'usd', per_page: PER_PAGE },
    paginator: { type: 'pageNumber', pageParam: 'page', start: 1 },
    concurrency: 4,
    ...(declared ? { rateLimit: { requests: declared.requests, per: `${declared.windowMs}ms` } } : {}),
  })) {
    // pages are dropped: this measures the pacing, not the store
  }
  const elapsedMs = performance.now() - started;
  const stats = api.stats();
  return { elapsedMs, requests: stats.requests, rejected: stats.rejected };
}

async function recipeWalk(api: DemoApiServer, limit: Limit): Promise<Walked> {
  api.resetStats();
  const pause = limit.windowMs / 60; // sleep(1) against a 60 s window
  const started = performance.now();
  for (let page = 1; ; ) {
    const response = await fetch(`${api.url}/api/v3/coins/markets?vs_currency=usd&per_page=${PER_PAGE}&page=${page}`);
    const body = (await response.json()) as unknown;
    if (response.status === 429) {
      await new Promise((resolve) => setTimeout(resolve, limit.windowMs)); // sleep(60) against a 60 s window
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
  description: 'share of the allowed rate a walk uses, declared and learned, beside the recipe',
  async run({ quick }) {
    const pages = quick ? 60 : 200;
    const figures: Figure[] = [];
    for (const window of ['sliding', 'fixed'] as const) {
      const silent: DemoRateLimit = { requests: DECLARED.requests, perMs: DECLARED.windowMs, window, headers: 'none' };
      const [declared, recipe] = await withApi(pages, silent, async (api) => [
        await siphonWalk(api, DECLARED),
        await recipeWalk(api, DECLARED),
      ]);
      figures.push({
        scenario: 'rate-limit',
        figure: `declared ${DECLARED.requests}/${DECLARED.windowMs} ms, ${window} window, ${pages} pages`,
        goal: '≥ 97 %, 0 rejected',
        baseline: `recipe: ${percent(utilization(recipe, DECLARED))}, ${recipe.rejected} rejected`,
        measured: `${percent(utilization(declared, DECLARED))}, ${declared.rejected} rejected`,
        ratio: utilization(declared, DECLARED),
        pass: utilization(declared, DECLARED) >= 0.97 && declared.rejected === 0,
      });
    }
    if (quick) return figures; // a 5 s window takes too long for CI; the full run measures it
    for (const window of ['sliding', 'fixed'] as const) {
      const announced: DemoRateLimit = { requests: LEARNED.requests, perMs: LEARNED.windowMs, window, headers: 'x-ratelimit' };
      const [learned, recipe] = await withApi(pages, announced, async (api) => [
        await siphonWalk(api, undefined),
        await recipeWalk(api, LEARNED),
      ]);
      const windows = Math.ceil(learned.elapsedMs / LEARNED.windowMs);
      figures.push({
        scenario: 'rate-limit',
        figure: `learned from headers, ${LEARNED.requests}/${LEARNED.windowMs} ms, ${window} window, ${pages} pages`,
        goal: '≥ 90 %, ≤ 1 rejected per window',
        baseline: `recipe: ${percent(utilization(recipe, LEARNED))}, ${recipe.rejected} rejected`,
        measured: `${percent(utilization(learned, LEARNED))}, ${learned.rejected} rejected in ${windows} windows`,
        ratio: utilization(learned, LEARNED),
        pass: utilization(learned, LEARNED) >= 0.9 && learned.rejected <= windows,
      });
    }
    return figures;
  },
};
