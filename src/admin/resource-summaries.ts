import type { ResolvedResource } from '../config/types.js';
import { nextFire } from '../runtime/embedded/startup-plan.js';
import type { RunEvent } from '../store/run-history-types.js';
import type { RunRecord, Store } from '../store/types.js';
import type { ApiRateLimit } from '../sync/sync-events.js';

/** How a resource is doing, worst first in the overview's eyes. */
export type ResourceHealth = 'running' | 'failed' | 'stale' | 'ok' | 'never';

export interface ResourceSummary {
  /** `source.resource`. */
  readonly id: string;
  readonly source: string;
  readonly name: string;
  readonly table: string;
  readonly schedule: string | undefined;
  readonly timezone: string;
  readonly nextRun: string | undefined;
  /** The source's declared budget, e.g. `30 requests / 60s`. */
  readonly rateLimit: string | undefined;
  /** What the API's own rate-limit headers said on the last page of the last run (the learned budget), and when. */
  readonly apiLimit: (ApiRateLimit & { readonly at: string }) | undefined;
  /** The newest run that was not skipped. */
  readonly lastRun: RunRecord | undefined;
  readonly lastSuccessAt: string | undefined;
  readonly health: ResourceHealth;
  /** The last runs that were not skipped, oldest first (the sparkline). */
  readonly recent: readonly RunRecord[];
}

/** History rows read per resource: enough to see past skipped ticks to the runs that did something. */
const HISTORY_FACTOR = 3;

/**
 * Each resource's schedule, last run and recent runs. Reads a bounded slice
 * of history per resource through the (resource, id) index, so it costs the
 * same with 100 runs in the history or 100,000.
 */
export async function resourceSummaries(
  resources: readonly ResolvedResource[],
  store: Store,
  options: { runs: number; now: number },
): Promise<ResourceSummary[]> {
  return Promise.all(resources.map((resource) => summarize(resource, store, options)));
}

async function summarize(resource: ResolvedResource, store: Store, { runs, now }: { runs: number; now: number }): Promise<ResourceSummary> {
  const [history, state] = await Promise.all([
    store.runs.list({ resource: resource.id, limit: runs * HISTORY_FACTOR }),
    store.runs.state(resource.id),
  ]);
  const real = history.filter((run) => run.status !== 'skipped');
  const lastRun = real[0];
  const lastPage = lastRun ? await store.runs.events.latest(lastRun.id, 'page') : undefined;
  const next = resource.schedule === undefined ? undefined : nextFire(resource.schedule, resource.timezone, new Date(now));
  const limit = resource.source.rateLimit;
  return {
    id: resource.id,
    source: resource.source.name,
    name: resource.name,
    table: resource.table.name,
    schedule: resource.schedule,
    timezone: resource.timezone,
    nextRun: next?.toISOString(),
    rateLimit: limit ? `${limit.requests} requests / ${String(limit.per)}` : undefined,
    apiLimit: apiLimitOf(lastPage),
    lastRun,
    lastSuccessAt: state?.lastSuccessAt ?? undefined,
    health: health(resource, lastRun, state?.lastSuccessAt ?? undefined, now),
    recent: real.slice(0, runs).reverse(),
  };
}

function health(
  resource: ResolvedResource,
  lastRun: RunRecord | undefined,
  lastSuccessAt: string | undefined,
  now: number,
): ResourceHealth {
  if (!lastRun) return 'never';
  if (lastRun.status === 'running') return 'running';
  if (lastRun.status === 'failed' || lastRun.status === 'interrupted') return 'failed';
  return isStale(resource, lastSuccessAt, now) ? 'stale' : 'ok';
}

/**
 * Stale: scheduled, and no success for two schedule periods (plus a minute
 * of slack), so a missed tick or two shows before anyone asks.
 */
function isStale(resource: ResolvedResource, lastSuccessAt: string | undefined, now: number): boolean {
  if (resource.schedule === undefined) return false;
  if (lastSuccessAt === undefined) return true;
  const first = nextFire(resource.schedule, resource.timezone, new Date(now));
  const second = first && nextFire(resource.schedule, resource.timezone, first);
  if (!first || !second) return false;
  return now - Date.parse(lastSuccessAt) > 2 * (second.getTime() - first.getTime()) + 60_000;
}

/** The `rateLimit` a page event recorded (see the sync's `page` event), with the time of that page. */
function apiLimitOf(event: RunEvent | undefined): (ApiRateLimit & { at: string }) | undefined {
  const data = event?.data;
  if (!event || data === null || typeof data !== 'object' || Array.isArray(data)) return undefined;
  const limit = (data as Record<string, unknown>).rateLimit;
  if (limit === null || typeof limit !== 'object' || Array.isArray(limit)) return undefined;
  const { limit: total, remaining, resetAt } = limit as Record<string, unknown>;
  return {
    at: event.at,
    limit: typeof total === 'number' ? total : undefined,
    remaining: typeof remaining === 'number' ? remaining : undefined,
    resetAt: typeof resetAt === 'string' ? resetAt : undefined,
  };
}
