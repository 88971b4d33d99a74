import * as z from 'zod';
import { exportFormats } from '../../export/export-format.js';
import type { AdminState } from '../admin-state.js';
import { exactJson } from '../exact-json.js';
import { previewReport, reportExport, reportSql } from '../reports-page.js';
import { type ApiRoute, apiRoute } from './api-route.js';
import { reportPreviewSchema } from './api-schemas.js';

const reportParams = z.object({ name: z.string().describe('a report of the config') });

/** The config's reports: their list, their first rows, and exports. */
export function reportsApi(state: AdminState): ApiRoute[] {
  return [
    apiRoute({
      method: 'get',
      path: '/reports',
      operationId: 'listReports',
      summary: 'The reports of the config',
      tag: 'reports',
      response: {
        kind: 'json',
        schema: z.object({ reports: z.array(z.object({ name: z.string(), description: z.string().nullable(), sql: z.string() })) }),
      },
      handle: () =>
        exactJson({
          reports: Object.entries(state.config.reports).map(([name, report]) => ({
            name,
            description: report.description ?? null,
            sql: report.sql,
          })),
        }),
    }),
    apiRoute({
      method: 'get',
      path: '/reports/:name',
      operationId: 'runReport',
      summary: "A report's first rows",
      tag: 'reports',
      params: reportParams,
      query: z.object({ limit: z.coerce.number().int().min(1).max(10_000).default(100) }),
      response: { kind: 'json', schema: reportPreviewSchema },
      handle: async (_c, { params, query }) => {
        reportSql(state, params.name);
        return exactJson({ name: params.name, ...(await previewReport(state, params.name, query.limit)) });
      },
    }),
    apiRoute({
      method: 'get',
      path: '/reports/:name/export',
      operationId: 'exportReport',
      summary: "A report's rows as CSV, XLSX or JSON, streamed",
      tag: 'reports',
      params: reportParams,
      query: z.object({ format: z.enum(exportFormats as ['csv', 'xlsx', 'json']).default('csv') }),
      response: {
        kind: 'file',
        types: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/json'],
      },
      handle: (_c, { params, query }) => reportExport(state, params.name, query.format),
    }),
  ];
}
