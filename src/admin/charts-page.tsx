import type { Hono } from 'hono';
import * as z from 'zod';
import type { AdminEnv } from './admin-env.js';
import type { AdminState } from './admin-state.js';
import { formatTime } from './format.js';
import { Layout, sendPage } from './layout.js';
import { parseQuery } from './parse-input.js';
import { requestOutcomes } from './request-outcomes.js';

const chartsSchema = z.object({ resource: z.string().optional() });

/** Runs the requests table counts. */
const REQUEST_RUNS = 20;

/**
 * `/charts`: records, duration and time waited per run over time for one
 * resource, and its requests by outcome (HTTP status, retry reason) per run,
 * drawn by uPlot (served from the package) from the API; the requests are a
 * table as well, for reading exact counts.
 */
export function chartsPage(app: Hono<AdminEnv>, state: AdminState): void {
  app.get('/charts', async (c) => {
    const resources = state.config.resources;
    const chosen = state.resource(parseQuery(c, chartsSchema).resource ?? resources[0]?.id ?? '');
    const requests = await requestOutcomes(state.store, chosen.id, REQUEST_RUNS);
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
        <h2>Requests by outcome, last {REQUEST_RUNS} runs</h2>
        <p class="muted small">Each page fetched counts under its HTTP status, each retried attempt under its reason.</p>
        <div
          class="chart"
          id="chart-requests"
          data-requests={`/api/v1/resources/${encodeURIComponent(chosen.id)}/requests?runs=${REQUEST_RUNS}`}
        />
        <table class="grid" id="requests">
          <thead>
            <tr>
              <th class="num">run</th>
              <th>started</th>
              {requests.outcomes.map((outcome) => (
                <th class="num">{outcome}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {requests.runs.map((run) => (
              <tr>
                <td class="num">
                  <a href={`/runs/${run.runId}`}>{run.runId}</a>
                </td>
                <td class="small">{formatTime(run.startedAt)}</td>
                {requests.outcomes.map((outcome) => (
                  <td class="num">{run.outcomes[outcome] ?? 0}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </Layout>,
    );
  });
}
