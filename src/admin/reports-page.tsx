import type { Hono } from 'hono';
import * as z from 'zod';
import { exportFormats } from '../export/export-format.js';
import type { Row } from '../store/types.js';
import type { AdminEnv } from './admin-env.js';
import { AdminHttpError } from './admin-http-error.js';
import type { AdminState } from './admin-state.js';
import { exportResponse } from './export-response.js';
import { Layout, sendPage } from './layout.js';
import { parseQuery } from './parse-input.js';
import { Cell } from './widgets.js';

/** Rows a report's page shows; the export has them all. */
export const REPORT_PREVIEW_ROWS = 100;

export const reportExportSchema = z.object({ format: z.enum(exportFormats as ['csv', 'xlsx', 'json']).default('csv') });

export interface ReportPreview {
  readonly columns: readonly string[];
  readonly rows: readonly Row[];
  /** More rows follow in the export. */
  readonly truncated: boolean;
}

export function reportSql(state: AdminState, name: string): string {
  const report = state.config.reports[name];
  if (!report) throw new AdminHttpError(404, `no report ${name}; the config has ${Object.keys(state.config.reports).join(', ') || 'none'}`);
  return report.sql;
}

/** The first rows of a report; the query stops reading after them. */
export async function previewReport(state: AdminState, name: string, limit = REPORT_PREVIEW_ROWS): Promise<ReportPreview> {
  const result = await state.store.query(reportSql(state, name));
  const rows: Row[] = [];
  let truncated = false;
  for await (const row of result.rows) {
    if (rows.length === limit) {
      truncated = true;
      break;
    }
    rows.push(row);
  }
  return { columns: result.columns, rows, truncated };
}

export async function reportExport(state: AdminState, name: string, format: 'csv' | 'xlsx' | 'json'): Promise<Response> {
  const result = await state.store.query(reportSql(state, name));
  return exportResponse({ columns: result.columns.map((column) => ({ name: column })), rows: result.rows, format, name });
}

/** `/reports`, `/reports/:name` (the first rows) and `/reports/:name/export`. */
export function reportsPage(app: Hono<AdminEnv>, state: AdminState): void {
  app.get('/reports', (c) => {
    const reports = Object.entries(state.config.reports);
    return sendPage(
      c,
      <Layout state={state} title="Reports" nav="reports">
        {reports.length === 0 && <p class="muted">The config declares no reports.</p>}
        <ul class="reports">
          {reports.map(([name, report]) => (
            <li>
              <a href={`/reports/${encodeURIComponent(name)}`}>{name}</a>
              {report.description && <span class="muted"> — {report.description}</span>}
            </li>
          ))}
        </ul>
      </Layout>,
    );
  });

  app.get('/reports/:name', async (c) => {
    const name = c.req.param('name');
    const preview = await previewReport(state, name);
    return sendPage(
      c,
      <Layout state={state} title={`Report ${name}`} nav="reports">
        <p>
          export{' '}
          {exportFormats.map((format) => (
            <>
              <a href={`/reports/${encodeURIComponent(name)}/export?format=${format}`}>{format.toUpperCase()}</a>{' '}
            </>
          ))}
        </p>
        <pre class="sql">{reportSql(state, name)}</pre>
        <div class="scroll">
          <table class="grid data">
            <thead>
              <tr>
                {preview.columns.map((column) => (
                  <th>{column}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {preview.rows.map((row) => (
                <tr>
                  {preview.columns.map((column) => (
                    <td>
                      <Cell value={row[column]} />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {preview.truncated && <p class="muted">The first {REPORT_PREVIEW_ROWS} rows; the export has them all.</p>}
      </Layout>,
    );
  });

  app.get('/reports/:name/export', async (c) => reportExport(state, c.req.param('name'), parseQuery(c, reportExportSchema).format));
}
