import * as z from 'zod';
import type { AdminState } from '../admin-state.js';
import { exactJson } from '../exact-json.js';
import { liveRun } from '../live-run.js';
import { maskedEvents, maskedRun } from '../masked-config.js';
import { findRun, runProgress, timelineFacts } from '../run-detail.js';
import { runFiltersSchema, runPageQuery } from '../run-filters.js';
import { type ApiRoute, apiRoute } from './api-route.js';
import { runDetailSchema, runEventSchema, runPageSchema } from './api-schemas.js';

const runParams = z.object({ id: z.coerce.number().int().positive().describe('the run id') });

/** The run history, one run with its progress and error chain, its timeline, and a live stream of it. */
export function runsApi(state: AdminState): ApiRoute[] {
  return [
    apiRoute({
      method: 'get',
      path: '/runs',
      operationId: 'listRuns',
      summary: 'The run history, newest first, filtered, in keyset pages',
      tag: 'runs',
      query: runFiltersSchema,
      response: { kind: 'json', schema: runPageSchema },
      handle: async (_c, { query }) => {
        const page = await state.store.runs.page(runPageQuery(query));
        return exactJson({
          runs: page.runs.map((run) => maskedRun(state.config, run)),
          older: page.older ?? null,
          newer: page.newer ?? null,
        });
      },
    }),
    apiRoute({
      method: 'get',
      path: '/runs/:id',
      operationId: 'getRun',
      summary: 'One run: totals, rate, ETA when a total is known, the error with its causes',
      tag: 'runs',
      params: runParams,
      response: { kind: 'json', schema: runDetailSchema },
      handle: async (_c, { params }) => {
        const run = maskedRun(state.config, await findRun(state.store, params.id));
        const events = maskedEvents(state.config, await state.store.runs.events.list(run.id));
        const progress = runProgress(run, timelineFacts(events), state.now());
        return exactJson({
          ...progress,
          total: progress.total ?? null,
          etaMs: progress.etaMs ?? null,
          errorChain: progress.errorChain ?? null,
        });
      },
    }),
    apiRoute({
      method: 'get',
      path: '/runs/:id/events',
      operationId: 'listRunEvents',
      summary: "The run's timeline: pages, retries, waits, commits (its newest 1,000 events), oldest first",
      tag: 'runs',
      params: runParams,
      query: z.object({
        after: z.coerce.number().int().min(0).optional().describe('only events after this event id'),
        limit: z.coerce.number().int().min(1).max(1000).optional(),
      }),
      response: { kind: 'json', schema: z.object({ events: z.array(runEventSchema) }) },
      handle: async (_c, { params, query }) => {
        const run = await findRun(state.store, params.id);
        return exactJson({ events: maskedEvents(state.config, await state.store.runs.events.list(run.id, query)) });
      },
    }),
    apiRoute({
      method: 'get',
      path: '/runs/:id/live',
      operationId: 'followRun',
      summary: 'Server-Sent Events following the run: `events` (new timeline entries), `run` (figures) every half second, then `end`',
      tag: 'runs',
      params: runParams,
      response: { kind: 'stream', type: 'text/event-stream' },
      handle: (c, { params }) => liveRun(c, state, params.id),
    }),
  ];
}
