import cliProgress from 'cli-progress';
import type { SyncEvent } from '../sync/sync-events.js';
import type { CliLog, LogFields } from './cli-log.js';
import { logSecrets } from './log-settings.js';

export interface ProgressReporter {
  (event: SyncEvent): void;
  /** Stops redrawing and the progress timer; call before printing anything else. */
  stop(): void;
}

export interface ProgressReporterOptions {
  readonly log: CliLog;
  /** A terminal to draw one live bar per resource on, instead of logging progress lines. */
  readonly bars?: NodeJS.WriteStream | undefined;
  /**
   * Without bars: how often each running resource logs its progress line
   * (a line per batch would flood a log on a fast API and say nothing on a slow one).
   * @default 10_000
   */
  readonly intervalMs?: number | undefined;
}

export const PROGRESS_INTERVAL_MS = 10_000;

/** What a resource's run has done so far, as the bar and the progress line show it. */
export interface ProgressView {
  readonly resource: string;
  /** Records fetched, earlier attempts' committed ones included. */
  readonly records: number;
  /** Records the API announced, when it did. */
  readonly total: number | undefined;
  readonly pages: number;
  /** Records a second, over this attempt. */
  readonly rate: number;
  readonly retries: number;
  readonly waitedMs: number;
  /** Seconds left, when a total or the parent rows tell. */
  readonly etaSeconds: number | undefined;
  /** A fan-out child: parent rows done, of how many. */
  readonly parents: { readonly done: number; readonly total: number } | undefined;
  /** `(resumed)`, a pending retry, `done`, the failure. */
  readonly status: string;
}

interface RunState {
  readonly runId: number;
  readonly attempt: number;
  readonly started: number;
  /** Records committed before this attempt (known from the first batch on). */
  base: number;
  committed: number;
  fetched: number;
  pages: number;
  retries: number;
  waitedMs: number;
  total: number | undefined;
  parents: { readonly done: number; readonly total: number } | undefined;
  status: string;
  bar: cliProgress.SingleBar | undefined;
}

/**
 * Progress of runs: one live bar per resource on a terminal, moving with
 * each page fetched (records, pages, records/s, waits, ETA once the API
 * announced a total or a child knows its parent rows); as a log, the start and
 * end of each run, what it noticed, and a progress line per running resource
 * every {@link ProgressReporterOptions.intervalMs}.
 */
export function createProgressReporter(options: ProgressReporterOptions): ProgressReporter {
  const { log } = options;
  const runs = new Map<string, RunState>();
  const fields = (resource: string, more: LogFields = {}): LogFields => {
    const run = runs.get(resource);
    return { resource, runId: run?.runId, attempt: run?.attempt, ...more };
  };
  const bars = options.bars ? barDisplay(options.bars) : undefined;
  const intervalMs = options.intervalMs ?? PROGRESS_INTERVAL_MS;
  let timer: NodeJS.Timeout | undefined;
  const tick = (): void => {
    for (const [resource, state] of runs) {
      const view = viewOf(resource, state);
      log.info(progressLine(view), fields(resource, { event: 'progress', ...viewFields(view) }));
    }
  };
  /** A note: above the bars on a terminal, else a log line. */
  const note = (level: 'info' | 'warn' | 'debug', resource: string, text: string, more: LogFields): void => {
    if (bars) {
      if (level !== 'debug') bars.note(text);
      return;
    }
    log[level](text, fields(resource, more));
  };

  const report = ((event: SyncEvent) => {
    const state = runs.get(event.resource);
    switch (event.type) {
      case 'run-start': {
        const started: RunState = {
          runId: event.runId,
          attempt: event.attempt,
          started: Date.now(),
          base: 0,
          committed: 0,
          fetched: 0,
          pages: 0,
          retries: 0,
          waitedMs: 0,
          total: undefined,
          parents: undefined,
          status: event.resumed ? '(resumed)' : '',
          bar: undefined,
        };
        runs.set(event.resource, started);
        if (bars) started.bar = bars.add(viewOf(event.resource, started));
        else {
          log.info(
            `${event.resource}: run ${event.runId} ${event.resumed ? `resumed (attempt ${event.attempt})` : event.first ? 'started (first run)' : 'started'}`,
            fields(event.resource, { event: 'run-start', resumed: event.resumed, first: event.first }),
          );
          if (!timer && intervalMs > 0) {
            timer = setInterval(tick, intervalMs);
            timer.unref();
          }
        }
        break;
      }
      case 'page':
        if (!state) break;
        state.pages += 1;
        state.fetched += event.records;
        state.parents = event.parents ?? state.parents;
        // The request that needed a retry has been answered: the note about it no longer holds.
        if (state.status.startsWith('(retry')) state.status = '';
        bars?.update(state.bar, viewOf(event.resource, state));
        if (!bars) {
          log.debug(
            `${event.resource}: page ${event.index + 1}: ${event.records} records, HTTP ${event.status}${event.attempts > 1 ? ` after ${event.attempts} attempts` : ''}, ${event.url}`,
            fields(event.resource, { event: 'page', index: event.index, records: event.records, status: event.status, url: event.url }),
          );
        }
        break;
      case 'progress':
        if (!state) break;
        state.base = event.committed - event.records;
        state.committed = event.committed;
        state.retries = event.retries;
        state.waitedMs = event.waitedMs;
        state.total = event.total ?? state.total;
        // Pages say how many parent walks ended; a batch only how many committed, which may be fewer.
        if (event.parents && event.parents.done >= (state.parents?.done ?? 0)) state.parents = event.parents;
        // Child walks run concurrently: their pages arrive out of order with the batches, so the larger count stands.
        state.pages = Math.max(state.pages, event.pages);
        state.fetched = Math.max(state.fetched, event.records);
        bars?.update(state.bar, viewOf(event.resource, state));
        break;
      case 'detected':
        note('info', event.resource, `${event.resource}: ${event.description}`, { event: 'detected', description: event.description });
        break;
      case 'range':
        note('info', event.resource, `${event.resource}: asking ${rangeText(event.from, event.to)}`, {
          event: 'range',
          from: event.from,
          to: event.to,
        });
        break;
      case 'window':
        note('info', event.resource, `${event.resource}: window ${rangeText(event.start, event.end)}`, {
          event: 'window',
          start: event.start,
          end: event.end,
        });
        break;
      case 'widened':
        note('info', event.resource, noteLine(event), { event: 'widened', column: event.column, from: event.from, to: event.to });
        break;
      case 'warning':
        note('warn', event.resource, noteLine(event), { event: 'warning' });
        break;
      case 'retry':
        if (state) {
          state.retries += 1;
          state.status = `(retry ${event.attempt}: ${event.reason}, in ${(event.waitMs / 1000).toFixed(1)} s)`;
          bars?.update(state.bar, viewOf(event.resource, state));
        }
        if (!bars) {
          log.info(
            `${event.resource}: ${event.reason} on ${event.url}; retry in ${(event.waitMs / 1000).toFixed(1)} s`,
            fields(event.resource, { event: 'retry', reason: event.reason, url: event.url, waitMs: event.waitMs, try: event.attempt }),
          );
        }
        break;
      case 'wait':
        note(
          'info',
          event.resource,
          `${event.resource}: ${event.reason}; waiting ${(event.waitMs / 1000).toFixed(1)} s before ${event.url}`,
          {
            event: 'wait',
            reason: event.reason,
            waitMs: event.waitMs,
            url: event.url,
          },
        );
        break;
      case 'throttle':
        note('debug', event.resource, `${event.resource}: throttled ${(event.waitMs / 1000).toFixed(1)} s before ${event.url}`, {
          event: 'throttle',
          waitMs: event.waitMs,
          url: event.url,
        });
        break;
      case 'skipped':
        note('info', event.resource, `${event.resource}: skipped (${event.reason})`, { event: 'skipped', reason: event.reason });
        break;
      case 'lease-wait':
        note('info', event.resource, `${event.resource}: waiting for the lease ${event.holder} holds`, {
          event: 'lease-wait',
          holder: event.holder,
        });
        break;
      case 'run-end': {
        const { run, error } = event;
        if (bars && state) {
          state.committed = run.records;
          state.base = run.records - state.fetched;
          state.pages = Math.max(state.pages, run.pages);
          state.status = error ? `${run.status}: ${error.message}` : 'done';
          bars.finish(state.bar, viewOf(event.resource, state));
        } else {
          const more = { event: 'run-end', status: run.status, records: run.records, pages: run.pages, error: error?.message };
          if (error)
            log[run.status === 'interrupted' ? 'warn' : 'error'](
              `${event.resource}: run ${run.id} ${run.status}: ${error.message}`,
              fields(event.resource, more),
            );
          else
            log.info(
              `${event.resource}: run ${run.id} succeeded: ${run.records} records in ${run.pages} pages`,
              fields(event.resource, more),
            );
        }
        runs.delete(event.resource);
        if (runs.size === 0 && timer) {
          clearInterval(timer);
          timer = undefined;
        }
        break;
      }
      default:
        break;
    }
  }) as ProgressReporter;
  report.stop = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
    bars?.stop();
  };
  return report;
}

function viewOf(resource: string, state: RunState): ProgressView {
  const records = Math.max(state.committed, state.base + state.fetched);
  const seconds = (Date.now() - state.started) / 1000;
  const rate = seconds > 0 ? Math.round(state.fetched / seconds) : 0;
  let etaSeconds: number | undefined;
  if (state.total !== undefined && rate > 0 && state.total > records) etaSeconds = Math.ceil((state.total - records) / rate);
  else if (state.parents && state.parents.done > 0 && state.parents.total > state.parents.done && seconds > 0) {
    etaSeconds = Math.ceil((seconds / state.parents.done) * (state.parents.total - state.parents.done));
  }
  return {
    resource,
    records,
    total: state.total,
    pages: state.pages,
    rate,
    retries: state.retries,
    waitedMs: state.waitedMs,
    etaSeconds,
    parents: state.parents,
    status: state.status,
  };
}

function viewFields(view: ProgressView): LogFields {
  return {
    records: view.records,
    total: view.total,
    pages: view.pages,
    rate: view.rate,
    retries: view.retries,
    waitedMs: view.waitedMs,
    etaSeconds: view.etaSeconds,
    parentsDone: view.parents?.done,
    parentsTotal: view.parents?.total,
  };
}

/** The non-terminal progress line: `api.items: 12 pages, 1200 of 5000 records (300/s), 0 retries, waited 0.0 s`. */
export function progressLine(view: ProgressView): string {
  const total = view.total === undefined ? '' : ` of ${view.total}`;
  const parents = view.parents ? `, parent ${view.parents.done} of ${view.parents.total}` : '';
  return `${view.resource}: ${view.pages} pages, ${view.records}${total} records (${view.rate}/s)${parents}, ${view.retries} retries, waited ${(view.waitedMs / 1000).toFixed(1)} s`;
}

/**
 * A bar's line, fitted to `columns`: the parts that matter least go first
 * (waits, rate, pages, the bar itself), then the resource name is shortened;
 * a terminal wraps a line one character too long onto the next, and the bar
 * redraws would then scroll instead of updating in place.
 */
export function formatProgressBar(view: ProgressView, columns: number): string {
  const width = Math.max(10, columns - 1);
  const fraction = progressFraction(view);
  const percent = fraction === undefined ? undefined : `${Math.floor(fraction * 100)}%`;
  const counted = `${view.records}${view.total === undefined ? '' : `/${view.total}`} records`;
  const parts: { text: string; drop: number }[] = [
    { text: counted, drop: 99 },
    { text: view.parents ? `parent ${view.parents.done}/${view.parents.total}` : '', drop: 5 },
    { text: `${view.pages} pages`, drop: 3 },
    { text: `${view.rate}/s`, drop: 2 },
    { text: view.waitedMs > 0 ? `waited ${(view.waitedMs / 1000).toFixed(1)}s` : '', drop: 1 },
    { text: view.etaSeconds === undefined ? '' : `ETA ${view.etaSeconds}s`, drop: 4 },
  ].filter((part) => part.text !== '');
  const tailAt = (level: number): string => {
    const shown = parts.filter((part) => part.drop > level).map((part) => part.text);
    return [percent, ...shown].filter((text) => text !== undefined).join(' | ') + (view.status ? ` ${view.status}` : '');
  };
  for (let level = 0; level <= 5; level += 1) {
    const tail = tailAt(level);
    if (fraction !== undefined) {
      const room = width - view.resource.length - tail.length - 2;
      // A bar narrower than 10 cells says little; the percentage says it then.
      if (room >= 10) return `${view.resource} ${bar(fraction, Math.min(40, room))} ${tail}`;
      if (level < 3) continue;
    }
    const line = `${view.resource} ${tail}`;
    if (line.length <= width) return line;
  }
  // Still too wide: shorten the name, then cut the status.
  const name = view.resource.length > 16 ? `${view.resource.slice(0, 15)}…` : view.resource;
  const line = `${name} ${tailAt(5)}`;
  return line.length <= width ? line : `${line.slice(0, width - 1)}…`;
}

function progressFraction(view: ProgressView): number | undefined {
  if (view.total !== undefined && view.total > 0) return Math.min(1, view.records / view.total);
  if (view.parents && view.parents.total > 0) return Math.min(1, view.parents.done / view.parents.total);
  return undefined;
}

function bar(fraction: number, cells: number): string {
  const full = Math.round(fraction * cells);
  return `${'█'.repeat(full)}${'░'.repeat(cells - full)}`;
}

/** cli-progress bars whose lines {@link formatProgressBar} fits to the terminal's width as it is now. */
function barDisplay(stream: NodeJS.WriteStream) {
  const multibar = new cliProgress.MultiBar({
    stream,
    clearOnComplete: false,
    hideCursor: true,
    format: (_options, _params, payload: { view: ProgressView }) => formatProgressBar(payload.view, stream.columns || 80),
  });
  const mask = (text: string): string => logSecrets().mask(text);
  return {
    add: (view: ProgressView) => multibar.create(view.total ?? 0, view.records, { view }),
    update: (bar: cliProgress.SingleBar | undefined, view: ProgressView) => {
      if (view.total !== undefined) bar?.setTotal(view.total);
      bar?.update(view.records, { view: { ...view, status: mask(view.status) } });
    },
    finish: (bar: cliProgress.SingleBar | undefined, view: ProgressView) => {
      bar?.update(view.records, { view: { ...view, status: mask(view.status) } });
      bar?.stop();
    },
    note: (text: string) => multibar.log(`${mask(text)}\n`),
    stop: () => multibar.stop(),
  };
}

/** A line for what a run wants said once: `api.coins: widened current_price bigint → decimal`. */
function noteLine(event: Extract<SyncEvent, { type: 'widened' | 'warning' }>): string {
  if (event.type === 'warning') return `${event.resource}: warning: ${event.message}`;
  return `${event.resource}: widened ${event.column} ${event.from} → ${event.to}`;
}

/** An incremental range in words: `from X to Y`, `from X`, `everything`. */
function rangeText(from: string | null, to: string | null): string {
  if (from === null) return to === null ? 'everything' : `everything before ${to}`;
  return to === null ? `from ${from}` : `from ${from} to ${to}`;
}
