import type { Hono } from 'hono';
import type { RunRecord } from '../store/types.js';
import type { AdminEnv } from './admin-env.js';
import type { AdminState } from './admin-state.js';
import { formatCount, formatDuration, formatTime, runDuration, truncate } from './format.js';
import { Layout, sendPage } from './layout.js';
import { maskedRun } from './masked-config.js';
import { parseQuery } from './parse-input.js';
import { RUN_STATUSES, RUN_TRIGGERS, type RunFilters, runFiltersSchema, runFiltersSearch, runPageQuery } from './run-filters.js';
import { StatusBadge } from './widgets.js';

/** `/runs`: the history, filtered, newest first, in keyset pages. */
export function runsPage(app: Hono<AdminEnv>, state: AdminState): void {
  app.get('/runs', async (c) => {
    const filters = parseQuery(c, runFiltersSchema);
    const page = await state.store.runs.page(runPageQuery(filters));
    const now = state.now();
    const notice = c.req.query('notice');
    return sendPage(
      c,
      <Layout state={state} title="Runs" nav="runs">
        {notice && <p class="notice">{notice}</p>}
        <Filters state={state} filters={filters} />
        <RunsTable runs={page.runs.map((run) => maskedRun(state.config, run))} now={now} />
        <nav class="pager">
          {page.newer !== undefined ? (
            <a href={`/runs${runFiltersSearch(filters, { after: page.newer })}`}>← newer</a>
          ) : (
            <span class="muted">← newer</span>
          )}
          <a href={`/runs${runFiltersSearch(filters)}`}>newest</a>
          {page.older !== undefined ? (
            <a href={`/runs${runFiltersSearch(filters, { before: page.older })}`}>older →</a>
          ) : (
            <span class="muted">older →</span>
          )}
        </nav>
      </Layout>,
    );
  });
}

function Filters({ state, filters }: { state: AdminState; filters: RunFilters }) {
  const option = (value: string, selected: string | undefined, label = value) => (
    <option value={value} selected={value === selected}>
      {label}
    </option>
  );
  return (
    <form method="get" action="/runs" class="filters">
      <label>
        resource
        <select name="resource">
          {option('', filters.resource, 'all')}
          {state.config.resources.map((resource) => option(resource.id, filters.resource))}
        </select>
      </label>
      <label>
        status
        <select name="status">
          {option('', filters.status, 'all')}
          {RUN_STATUSES.map((status) => option(status, filters.status))}
        </select>
      </label>
      <label>
        trigger
        <select name="trigger">
          {option('', filters.trigger, 'all')}
          {RUN_TRIGGERS.map((trigger) => option(trigger, filters.trigger))}
        </select>
      </label>
      <label>
        from <input type="date" name="from" value={filters.from?.slice(0, 10) ?? ''} />
      </label>
      <label>
        to <input type="date" name="to" value={filters.to?.slice(0, 10) ?? ''} />
      </label>
      <button type="submit">Filter</button>
      <a href="/runs">clear</a>
    </form>
  );
}

export function RunsTable({ runs, now }: { runs: readonly RunRecord[]; now: number }) {
  if (runs.length === 0) return <p class="muted">No runs match.</p>;
  return (
    <table class="grid runs">
      <thead>
        <tr>
          <th class="num">id</th>
          <th>resource</th>
          <th>trigger</th>
          <th>status</th>
          <th class="num">attempt</th>
          <th>started</th>
          <th>duration</th>
          <th class="num">pages</th>
          <th class="num">records</th>
          <th class="num">retries</th>
          <th class="num">waited</th>
          <th>error</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((run) => (
          <tr class={`status-${run.status}`}>
            <td class="num">
              <a href={`/runs/${run.id}`}>{run.id}</a>
            </td>
            <td>{run.resource}</td>
            <td>{run.trigger}</td>
            <td>
              <StatusBadge status={run.status} />
            </td>
            <td class="num">{run.attempt}</td>
            <td class="small">{formatTime(run.startedAt)}</td>
            <td>{run.status === 'skipped' ? '–' : formatDuration(runDuration(run, now))}</td>
            <td class="num">{formatCount(run.pages)}</td>
            <td class="num">{formatCount(run.records)}</td>
            <td class="num">{formatCount(run.retries)}</td>
            <td class="num">{formatDuration(run.waitedMs)}</td>
            <td class="error small" title={run.error ?? ''}>
              {run.error ? truncate(run.error, 90) : ''}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
