import type { Hono } from 'hono';
import type { AdminEnv } from './admin-env.js';
import type { AdminState } from './admin-state.js';
import { formatCount, formatDuration, formatTime, relativeTime, runDuration } from './format.js';
import { Layout, sendPage } from './layout.js';
import { maskedConfig } from './masked-config.js';
import { type ResourceSummary, resourceSummaries } from './resource-summaries.js';
import { triggerRun } from './trigger-run.js';
import { CsrfField, Sparkline, StatusBadge } from './widgets.js';

/** `/`: every source and resource, how each is doing, and Run now. */
export function overviewPage(app: Hono<AdminEnv>, state: AdminState): void {
  app.get('/', async (c) => {
    const now = state.now();
    const summaries = await resourceSummaries(state.config.resources, state.store, { runs: state.sparklineRuns, now });
    const sources = Object.values(state.config.sources);
    // The base URL as the config page shows it: a secret in it (a key in the path) stays hidden.
    const shown = maskedConfig(state.config).sources as Record<string, { baseUrl?: string }>;
    const notice = c.req.query('notice');
    return sendPage(
      c,
      <Layout state={state} title="Overview" nav="overview">
        {notice && <p class="notice">{notice}</p>}
        <Totals summaries={summaries} />
        {sources.map((source) => (
          <section class="source">
            <h2>
              {source.name} <span class="muted">{shown[source.name]?.baseUrl}</span>
            </h2>
            <ResourceTable state={state} summaries={summaries.filter((summary) => summary.source === source.name)} now={now} />
          </section>
        ))}
      </Layout>,
    );
  });

  app.post('/resources/:id/run', async (c) => {
    const triggered = await triggerRun(state, c.req.param('id'));
    if (triggered.runId !== undefined) return c.redirect(`/runs/${triggered.runId}`, 303);
    const notice = triggered.status === 'queued' ? `queued as job ${triggered.job ?? '?'}; a worker will start it` : 'run requested';
    return c.redirect(`/runs?resource=${encodeURIComponent(c.req.param('id'))}&notice=${encodeURIComponent(notice)}`, 303);
  });
}

function Totals({ summaries }: { summaries: readonly ResourceSummary[] }) {
  const count = (health: ResourceSummary['health']) => summaries.filter((summary) => summary.health === health).length;
  return (
    <p class="totals">
      {summaries.length} resources · <span class="badge badge-running">{count('running')} running</span>{' '}
      <span class="badge badge-failed">{count('failed')} failed</span> <span class="badge badge-stale">{count('stale')} stale</span>{' '}
      <span class="badge badge-ok">{count('ok')} ok</span>
    </p>
  );
}

function ResourceTable({ state, summaries, now }: { state: AdminState; summaries: readonly ResourceSummary[]; now: number }) {
  return (
    <table class="grid resources">
      <thead>
        <tr>
          <th>resource</th>
          <th>schedule</th>
          <th>next run</th>
          <th>last run</th>
          <th>duration</th>
          <th class="num">records</th>
          <th class="num">pages</th>
          <th class="num">retries</th>
          <th class="num">waited</th>
          <th>records, last runs</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {summaries.map((summary) => {
          const run = summary.lastRun;
          return (
            <tr class={`health-${summary.health}`} data-resource={summary.id}>
              <td>
                <a href={`/runs?resource=${encodeURIComponent(summary.id)}`}>{summary.name}</a>
                <div class="muted small">
                  → <a href={`/tables/${encodeURIComponent(summary.table)}`}>{summary.table}</a>
                  {summary.rateLimit && ` · ${summary.rateLimit}`}
                  {summary.apiLimit && (
                    <span class="api-limit" title={`from the rate-limit headers of the last page, at ${formatTime(summary.apiLimit.at)}`}>
                      {' · API: '}
                      {describeApiLimit(summary.apiLimit, now)}
                    </span>
                  )}
                </div>
              </td>
              <td>{summary.schedule ? <code>{summary.schedule}</code> : <span class="muted">manual</span>}</td>
              <td title={formatTime(summary.nextRun)}>{summary.nextRun ? relativeTime(summary.nextRun, now) : '–'}</td>
              <td>
                {run ? (
                  <a href={`/runs/${run.id}`}>
                    <StatusBadge status={summary.health === 'stale' ? 'stale' : run.status} />
                  </a>
                ) : (
                  <StatusBadge status="never" />
                )}
                <div class="muted small" title={formatTime(run?.startedAt)}>
                  {run ? relativeTime(run.startedAt, now) : ''}
                </div>
              </td>
              <td>{run ? formatDuration(runDuration(run, now)) : '–'}</td>
              <td class="num">{run ? formatCount(run.records) : '–'}</td>
              <td class="num">{run ? formatCount(run.pages) : '–'}</td>
              <td class="num">{run ? formatCount(run.retries) : '–'}</td>
              <td class="num">{run ? formatDuration(run.waitedMs) : '–'}</td>
              <td>
                <Sparkline runs={summary.recent} />
              </td>
              <td>
                {state.runNow && (
                  <form method="post" action={`/resources/${encodeURIComponent(summary.id)}/run`} class="run-now">
                    <CsrfField token={state.secrets.csrf} />
                    <button type="submit">Run now</button>
                  </form>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** `12 of 30 left, resets in 40 s`, from what the API's headers said on the last page. */
function describeApiLimit(limit: NonNullable<ResourceSummary['apiLimit']>, now: number): string {
  const left =
    limit.remaining !== undefined
      ? `${limit.remaining}${limit.limit !== undefined ? ` of ${limit.limit}` : ''} left`
      : `limit ${limit.limit}`;
  if (limit.resetAt === undefined) return left;
  const reset = Date.parse(limit.resetAt);
  return reset > now ? `${left}, resets ${relativeTime(limit.resetAt, now)}` : `${left} (that window has reset)`;
}
