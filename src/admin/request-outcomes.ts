import type { Store } from '../store/types.js';

/** The requests of one run by outcome: `200`, `HTTP 503`, `ECONNRESET`, `timeout`, … */
export interface RunRequests {
  readonly runId: number;
  readonly startedAt: string;
  readonly outcomes: Readonly<Record<string, number>>;
}

/**
 * Requests by outcome for the last runs of a resource, read from their
 * timelines: each page is one answered request (its final status), each
 * retry one failed attempt (its reason). Timelines keep a run's newest
 * 1,000 events, so a longer run counts its last ones.
 */
export async function requestOutcomes(store: Store, resource: string, runs: number): Promise<{ runs: RunRequests[]; outcomes: string[] }> {
  const history = (await store.runs.list({ resource, limit: runs * 3 })).filter((run) => run.status !== 'skipped').slice(0, runs);
  const counted = await Promise.all(
    history.map(async (run): Promise<RunRequests> => {
      const outcomes: Record<string, number> = {};
      for (const event of await store.runs.events.list(run.id)) {
        const data = event.data as Record<string, unknown> | null;
        const outcome =
          event.type === 'page' ? String(data?.status ?? '?') : event.type === 'retry' ? String(data?.reason ?? '?') : undefined;
        if (outcome !== undefined) outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      }
      return { runId: run.id, startedAt: run.startedAt, outcomes };
    }),
  );
  const outcomes = [...new Set(counted.flatMap((run) => Object.keys(run.outcomes)))].sort();
  return { runs: counted, outcomes };
}
