import * as z from 'zod';
import type { AdminState } from '../admin-state.js';
import { exactJson } from '../exact-json.js';
import { maskedConfig, maskedRun } from '../masked-config.js';
import { requestOutcomes } from '../request-outcomes.js';
import { type ResourceSummary, resourceSummaries } from '../resource-summaries.js';
import { triggerRun } from '../trigger-run.js';
import { type ApiRoute, apiRoute } from './api-route.js';
import { resourceSummarySchema, runNowSchema, seriesSchema, sourceSchema } from './api-schemas.js';

const resourceParams = z.object({ id: z.string().describe('`source.resource`') });

function summaryJson(state: AdminState, summary: ResourceSummary) {
  return {
    ...summary,
    schedule: summary.schedule ?? null,
    nextRun: summary.nextRun ?? null,
    rateLimit: summary.rateLimit ?? null,
    apiLimit: summary.apiLimit ?? null,
    lastRun: summary.lastRun ? maskedRun(state.config, summary.lastRun) : null,
    lastSuccessAt: summary.lastSuccessAt ?? null,
    recent: undefined,
    recentRecords: summary.recent.map((run) => run.records),
  };
}

/** Sources, resources (with their health and recent runs), each resource's run series, and Run now. */
export function resourcesApi(state: AdminState): ApiRoute[] {
  const summaries = (resources = state.config.resources) =>
    resourceSummaries(resources, state.store, { runs: state.sparklineRuns, now: state.now() });
  return [
    apiRoute({
      method: 'get',
      path: '/sources',
      operationId: 'listSources',
      summary: 'The sources of the config and their resources',
      tag: 'resources',
      response: { kind: 'json', schema: z.object({ sources: z.array(sourceSchema) }) },
      handle: () => {
        const shown = maskedConfig(state.config).sources as Record<string, { baseUrl: string }>;
        return exactJson({
          sources: Object.values(state.config.sources).map((source) => ({
            name: source.name,
            baseUrl: shown[source.name]?.baseUrl ?? '',
            rateLimit: source.rateLimit ? `${source.rateLimit.requests} requests / ${String(source.rateLimit.per)}` : null,
            resources: state.config.resources.filter((resource) => resource.source.name === source.name).map((resource) => resource.id),
          })),
        });
      },
    }),
    apiRoute({
      method: 'get',
      path: '/resources',
      operationId: 'listResources',
      summary: 'Every resource: schedule, next run, last run, health, records of the recent runs',
      tag: 'resources',
      response: { kind: 'json', schema: z.object({ resources: z.array(resourceSummarySchema) }) },
      handle: async () => exactJson({ resources: (await summaries()).map((summary) => summaryJson(state, summary)) }),
    }),
    apiRoute({
      method: 'get',
      path: '/resources/:id',
      operationId: 'getResource',
      summary: 'One resource: schedule, next run, last run, health',
      tag: 'resources',
      params: resourceParams,
      response: { kind: 'json', schema: resourceSummarySchema },
      handle: async (_c, { params }) => exactJson(summaryJson(state, (await summaries([state.resource(params.id)]))[0]!)),
    }),
    apiRoute({
      method: 'get',
      path: '/resources/:id/series',
      operationId: 'getResourceSeries',
      summary: 'Records, duration and time waited per run, oldest first (the charts)',
      tag: 'resources',
      params: resourceParams,
      query: z.object({ limit: z.coerce.number().int().min(1).max(5000).default(500).describe('runs, newest kept') }),
      response: { kind: 'json', schema: seriesSchema },
      handle: async (_c, { params, query }) => {
        const resource = state.resource(params.id);
        const runs: {
          id: number;
          startedAt: string;
          status: string;
          records: number;
          pages: number;
          retries: number;
          durationMs: number | null;
          waitedMs: number;
        }[] = [];
        let before: number | undefined;
        // Skipped runs are left out; at most a few thousand history rows are read for them.
        for (let pages = 0; pages < 20 && runs.length < query.limit; pages += 1) {
          const page = await state.store.runs.page({ resource: resource.id, before, limit: 500 });
          for (const run of page.runs) {
            if (run.status === 'skipped' || runs.length >= query.limit) continue;
            const durationMs = run.finishedAt ? Date.parse(run.finishedAt) - Date.parse(run.startedAt) : null;
            runs.push({
              id: run.id,
              startedAt: run.startedAt,
              status: run.status,
              records: run.records,
              pages: run.pages,
              retries: run.retries,
              durationMs,
              waitedMs: run.waitedMs,
            });
          }
          if (page.older === undefined) break;
          before = page.older;
        }
        return exactJson({ resource: resource.id, runs: runs.reverse() });
      },
    }),
    apiRoute({
      method: 'get',
      path: '/resources/:id/requests',
      operationId: 'getResourceRequests',
      summary: "Requests by outcome (HTTP status of each page, reason of each retry) over the resource's last runs",
      tag: 'resources',
      params: resourceParams,
      query: z.object({ runs: z.coerce.number().int().min(1).max(100).default(20).describe('runs, newest first') }),
      response: {
        kind: 'json',
        schema: z.object({
          outcomes: z.array(z.string()),
          runs: z.array(z.object({ runId: z.number().int(), startedAt: z.string(), outcomes: z.record(z.string(), z.number().int()) })),
        }),
      },
      handle: async (_c, { params, query }) => exactJson(await requestOutcomes(state.store, state.resource(params.id).id, query.runs)),
    }),
    apiRoute({
      method: 'post',
      path: '/resources/:id/run',
      operationId: 'runResource',
      summary: 'Run now: start (or queue) a run of the resource',
      tag: 'resources',
      params: resourceParams,
      status: 202,
      response: { kind: 'json', schema: runNowSchema },
      handle: async (_c, { params }) => {
        const triggered = await triggerRun(state, params.id);
        return exactJson({ status: triggered.status, runId: triggered.runId ?? null, job: triggered.job ?? null }, 202);
      },
    }),
  ];
}
