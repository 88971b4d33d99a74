import type { Hono } from 'hono';
import * as z from 'zod';
import type { AdminEnv } from './admin-env.js';
import type { AdminState } from './admin-state.js';
import { Layout, sendPage } from './layout.js';
import { parseQuery } from './parse-input.js';

const chartsSchema = z.object({ resource: z.string().optional() });

/**
 * `/charts`: records, duration and time waited per run over time for one
 * resource, drawn by uPlot (served from the package) from the API's series.
 */
export function chartsPage(app: Hono<AdminEnv>, state: AdminState): void {
  app.get('/charts', (c) => {
    const resources = state.config.resources;
    const chosen = state.resource(parseQuery(c, chartsSchema).resource ?? resources[0]?.id ?? '');
    return sendPage(
      c,
      <Layout state={state} title="Charts" nav="charts" charts>
        <form method="get" action="/charts" class="filters">
          <label>
            resource{' '}
            <select name="resource" data-autosubmit>
              {resources.map((resource) => (
                <option value={resource.id} selected={resource.id === chosen.id}>
                  {resource.id}
                </option>
              ))}
            </select>
          </label>
          <button type="submit">Show</button>
        </form>
        <section class="charts" data-series={`/api/v1/resources/${encodeURIComponent(chosen.id)}/series?limit=500`}>
          <h2>Records per run</h2>
          <div class="chart" id="chart-records" data-chart="records" />
          <h2>Duration and time waited per run (seconds)</h2>
          <div class="chart" id="chart-duration" data-chart="duration" />
          <p class="muted small" id="chart-note">
            The last 500 runs that were not skipped.
          </p>
        </section>
      </Layout>,
    );
  });
}
