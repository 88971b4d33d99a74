import type { Hono } from 'hono';
import { stringifyJson } from '../util/exact-json.js';
import type { AdminEnv } from './admin-env.js';
import type { AdminState } from './admin-state.js';
import { formatCount, formatDuration, formatTime } from './format.js';
import { Layout, sendPage } from './layout.js';
import { maskedEvents, maskedRun } from './masked-config.js';
import { findRun, type RunProgress, runProgress, timelineFacts } from './run-detail.js';
import { Timeline } from './timeline.js';
import { CsrfField, StatusBadge } from './widgets.js';

/** `/runs/:id`: one run, live while it runs; its error with the causes, its checkpoint and timeline. */
export function runPage(app: Hono<AdminEnv>, state: AdminState): void {
  app.get('/runs/:id{[0-9]+}', async (c) => {
    const run = maskedRun(state.config, await findRun(state.store, Number(c.req.param('id'))));
    const events = maskedEvents(state.config, await state.store.runs.events.list(run.id));
    const progress = runProgress(run, timelineFacts(events), state.now());
    const live = run.status === 'running';
    return sendPage(
      c,
      <Layout state={state} title={`Run ${run.id}`} nav="runs">
        <section class="run" id="run" data-live={live ? `/api/v1/runs/${run.id}/live` : undefined} data-status={run.status}>
          <p>
            <a href={`/runs?resource=${encodeURIComponent(run.resource)}`}>{run.resource}</a> · {run.trigger} · attempt {run.attempt} ·{' '}
            <span id="run-status">
              <StatusBadge status={run.status} />
            </span>
            {state.runNow && run.status !== 'running' && (
              <form method="post" action={`/resources/${encodeURIComponent(run.resource)}/run`} class="inline">
                <CsrfField token={state.secrets.csrf} />
                <button type="submit">Run again</button>
              </form>
            )}
          </p>
          <Figures progress={progress} />
          {progress.errorChain && <ErrorChain chain={progress.errorChain} />}
          <h2>Checkpoint</h2>
          <pre class="json">{run.checkpoint === null ? 'none' : stringifyJson(run.checkpoint, 2)}</pre>
          <h2>Timeline</h2>
          <p class="muted small">Pages, retries, waits and commits; the newest 1,000 events of the run{live ? ', live' : ''}.</p>
          <Timeline events={events} />
        </section>
      </Layout>,
    );
  });
}

function Figures({ progress }: { progress: RunProgress }) {
  const { run } = progress;
  const figure = (name: string, value: string, id: string) => (
    <div class="figure">
      <div class="value" id={id}>
        {value}
      </div>
      <div class="label">{name}</div>
    </div>
  );
  return (
    <div class="figures">
      {figure('records', formatCount(run.records), 'run-records')}
      {figure('pages', formatCount(run.pages), 'run-pages')}
      {figure('retries', formatCount(run.retries), 'run-retries')}
      {figure('waited', formatDuration(run.waitedMs), 'run-waited')}
      {figure('duration', formatDuration(progress.elapsedMs), 'run-duration')}
      {figure('records/s', progress.recordsPerSecond.toFixed(1), 'run-rate')}
      {figure('ETA', progress.etaMs === undefined ? '–' : formatDuration(progress.etaMs), 'run-eta')}
      <div class="figure wide">
        <div class="value small">
          {formatTime(run.startedAt)} → {formatTime(run.finishedAt)}
        </div>
        <div class="label">started → finished{run.worker ? ` · ${run.worker}` : ''}</div>
      </div>
    </div>
  );
}

function ErrorChain({ chain }: { chain: RunProgress['errorChain'] & object }) {
  return (
    <section class="error-chain" id="run-error">
      <h2>Error</h2>
      <ol>
        {chain.map((link, index) => (
          <li>
            {index > 0 && <span class="muted">caused by </span>}
            <strong>{link.name}</strong>: {link.message}
            {(link.status !== undefined || link.request !== undefined || link.attempt !== undefined) && (
              <div class="muted small">
                {[
                  link.status !== undefined ? `HTTP ${link.status}` : '',
                  link.request ?? '',
                  link.attempt !== undefined ? `attempt ${link.attempt}` : '',
                ]
                  .filter(Boolean)
                  .join(' · ')}
              </div>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
