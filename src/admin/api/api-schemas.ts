import * as z from 'zod';
import { RUN_STATUSES, RUN_TRIGGERS } from '../run-filters.js';

/*
 * What the API answers with, as zod schemas: the OpenAPI document describes
 * responses from these. Integers beyond 2^53 and decimals are JSON numbers
 * with every digit.
 */

const timestamp = z.string().describe('ISO-8601 UTC');

export const runSchema = z
  .object({
    id: z.number().int(),
    resource: z.string().describe('`source.resource`'),
    trigger: z.enum(RUN_TRIGGERS as [string, ...string[]]),
    status: z.enum(RUN_STATUSES as [string, ...string[]]),
    attempt: z.number().int(),
    startedAt: timestamp,
    finishedAt: timestamp.nullable(),
    heartbeatAt: timestamp.nullable(),
    pages: z.number().int(),
    records: z.number().int(),
    retries: z.number().int(),
    waitedMs: z.number().int(),
    error: z.string().nullable(),
    checkpoint: z.unknown().describe('where a resumed run starts; JSON'),
    worker: z.string().nullable(),
  })
  .describe('a run of one resource, with its totals over every attempt');

export const runPageSchema = z.object({
  runs: z.array(runSchema).describe('newest first'),
  older: z.number().int().nullable().describe('`before` for the next page of older runs'),
  newer: z.number().int().nullable().describe('`after` for the page of newer runs'),
});

export const errorLinkSchema = z.object({
  name: z.string(),
  message: z.string(),
  status: z.number().int().optional(),
  request: z.string().optional().describe('method and redacted URL'),
  attempt: z.number().int().optional(),
});

export const runDetailSchema = z.object({
  run: runSchema,
  elapsedMs: z.number(),
  recordsPerSecond: z.number(),
  total: z.number().nullable().describe('records the API announced for the walk'),
  etaMs: z.number().nullable(),
  errorChain: z.array(errorLinkSchema).nullable().describe('the error and its causes, outermost first'),
});

export const runEventSchema = z.object({
  id: z.number().int().describe('grows with every event; ask for those after the last one you have'),
  runId: z.number().int(),
  at: timestamp,
  type: z.string().describe('run-start, page, retry, throttle, progress (a commit), detected, lease-wait, skipped, run-end, …'),
  data: z.record(z.string(), z.unknown()),
});

export const resourceSummarySchema = z.object({
  id: z.string(),
  source: z.string(),
  name: z.string(),
  table: z.string(),
  schedule: z.string().nullable(),
  timezone: z.string(),
  nextRun: timestamp.nullable(),
  rateLimit: z.string().nullable().describe('the declared budget'),
  apiLimit: z
    .object({
      at: timestamp.describe('when the page that said it was fetched'),
      limit: z.number().int().optional(),
      remaining: z.number().int().optional(),
      resetAt: timestamp.optional(),
    })
    .nullable()
    .describe("what the API's rate-limit headers said on the last page of the last run (the learned budget)"),
  health: z.enum(['running', 'failed', 'stale', 'ok', 'never']),
  lastRun: runSchema.nullable(),
  lastSuccessAt: timestamp.nullable(),
  recentRecords: z.array(z.number().int()).describe('records of the last runs, oldest first'),
});

export const seriesSchema = z.object({
  resource: z.string(),
  runs: z
    .array(
      z.object({
        id: z.number().int(),
        startedAt: timestamp,
        status: z.string(),
        records: z.number().int(),
        pages: z.number().int(),
        retries: z.number().int(),
        durationMs: z.number().nullable(),
        waitedMs: z.number().int(),
      }),
    )
    .describe('oldest first; skipped runs left out'),
});

export const sourceSchema = z.object({
  name: z.string(),
  baseUrl: z.string().describe('secrets masked'),
  rateLimit: z.string().nullable(),
  resources: z.array(z.string()),
});

export const runNowSchema = z.object({
  status: z.enum(['started', 'queued', 'busy']),
  runId: z.number().int().nullable().describe('the run, once it shows in the history'),
  job: z.string().nullable().describe('the queue job, in distributed mode'),
});

export const columnSchema = z.object({
  name: z.string(),
  type: z.string().nullable().describe('the Siphon type (bigint, decimal(20,2), …) when known'),
  sqlType: z.string(),
});

export const tableListingSchema = z.object({
  name: z.string(),
  resources: z.array(z.string()),
  exists: z.boolean(),
  rows: z.number().int().nullable(),
});

export const browsePageSchema = z.object({
  table: z.string(),
  columns: z.array(columnSchema),
  primaryKey: z.array(z.string()),
  rows: z.array(z.object({ key: z.string().describe('for GET …/rows/{key}'), values: z.record(z.string(), z.unknown()) })),
  next: z.string().nullable().describe('`after` for the next page'),
  previous: z.string().nullable().describe('`before` for the previous page'),
});

export const rowSchema = z.object({ table: z.string(), key: z.string(), values: z.record(z.string(), z.unknown()) });

export const reportPreviewSchema = z.object({
  name: z.string(),
  columns: z.array(z.string()),
  rows: z.array(z.record(z.string(), z.unknown())),
  truncated: z.boolean(),
});
