import * as z from 'zod';
import type { RunPageQuery } from '../store/run-history-types.js';
import { normalizeTimestampText } from '../store/timestamp-text.js';
import type { RunStatus, RunTrigger } from '../store/types.js';

export const RUN_STATUSES: readonly RunStatus[] = ['running', 'succeeded', 'failed', 'interrupted', 'skipped'];
export const RUN_TRIGGERS: readonly RunTrigger[] = ['manual', 'schedule', 'retry', 'catch-up', 'recovery'];

const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** An empty form field is no filter. */
const blank = (value: unknown): unknown => (value === '' ? undefined : value);
const moment = z
  .string()
  .refine((text) => normalizeTimestampText(text) !== undefined, 'expected a date (2024-05-01) or an ISO-8601 time')
  .describe('a date (2024-05-01, UTC) or an ISO-8601 time');

/** The history's filters and keyset position, as the runs page and `GET /api/v1/runs` take them. */
export const runFiltersSchema = z.object({
  resource: z.preprocess(blank, z.string().optional()).describe('`source.resource`'),
  status: z.preprocess(blank, z.enum(RUN_STATUSES as [RunStatus, ...RunStatus[]]).optional()),
  trigger: z.preprocess(blank, z.enum(RUN_TRIGGERS as [RunTrigger, ...RunTrigger[]]).optional()),
  from: z.preprocess(blank, moment.optional()).describe('runs started at or after; a date means its start (UTC)'),
  to: z.preprocess(blank, moment.optional()).describe('runs started before; a date means the end of that day (UTC)'),
  before: z.preprocess(blank, z.coerce.number().int().positive().optional()).describe('runs older than this run id (`older` of a page)'),
  after: z.preprocess(blank, z.coerce.number().int().positive().optional()).describe('runs newer than this run id (`newer` of a page)'),
  limit: z.preprocess(blank, z.coerce.number().int().min(1).max(500).optional()).describe('runs per page, 50 by default'),
});

export type RunFilters = z.output<typeof runFiltersSchema>;

/** The store query for the filters: a `to` date covers that whole day. */
export function runPageQuery(filters: RunFilters): RunPageQuery {
  const from = filters.from === undefined ? undefined : normalizeTimestampText(filters.from);
  let to = filters.to === undefined ? undefined : normalizeTimestampText(filters.to);
  if (to !== undefined && filters.to !== undefined && DAY.test(filters.to)) to = new Date(Date.parse(to) + 86_400_000).toISOString();
  return { ...filters, from, to };
}

/** The filters as a query string, without the paging position. */
export function runFiltersSearch(filters: RunFilters, extra: Record<string, string | number | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...filters, before: undefined, after: undefined, ...extra })) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}
