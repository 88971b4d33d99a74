import cliProgress from 'cli-progress';
import type { SyncEvent } from '../sync/sync-events.js';
import { logLine } from './log-output.js';

export interface ProgressReporter {
  (event: SyncEvent): void;
  /** Stops redrawing; call before printing anything else. */
  stop(): void;
}

interface BarState {
  readonly started: number;
  bar: cliProgress.SingleBar | undefined;
  total: number | undefined;
}

/**
 * Progress of `siphon run`: one live bar per resource on a terminal (pages,
 * records, records/s, waits, ETA once the API announced a total), plain
 * lines when stdout is a pipe or a file, so logs stay readable.
 */
export function createProgressReporter(stream: NodeJS.WriteStream = process.stdout): ProgressReporter {
  return stream.isTTY ? barReporter(stream) : lineReporter(stream);
}

function lineReporter(stream: NodeJS.WritableStream): ProgressReporter {
  const started = new Map<string, number>();
  const write = (line: string): void => logLine(stream, line);
  const report = ((event: SyncEvent) => {
    switch (event.type) {
      case 'run-start':
        started.set(event.resource, Date.now());
        write(
          `${event.resource}: run ${event.runId} ${event.resumed ? `resumed (attempt ${event.attempt})` : event.first ? 'started (first run)' : 'started'}`,
        );
        break;
      case 'detected':
        write(`${event.resource}: ${event.description}`);
        break;
      case 'widened':
      case 'warning':
        write(noteLine(event));
        break;
      case 'progress': {
        const seconds = (Date.now() - (started.get(event.resource) ?? Date.now())) / 1000;
        const rate = seconds > 0 ? Math.round(event.records / seconds) : event.records;
        const total = event.total === undefined ? '' : ` of ${event.total}`;
        write(
          `${event.resource}: ${event.pages} pages, ${event.committed}${total} records (${rate}/s), ${event.retries} retries, waited ${(event.waitedMs / 1000).toFixed(1)} s`,
        );
        break;
      }
      case 'retry':
        write(`${event.resource}: ${event.reason} on ${event.url}; retry in ${(event.waitMs / 1000).toFixed(1)} s`);
        break;
      case 'wait':
        write(`${event.resource}: ${event.reason}; waiting ${(event.waitMs / 1000).toFixed(1)} s before ${event.url}`);
        break;
      case 'skipped':
        write(`${event.resource}: skipped (${event.reason})`);
        break;
      case 'lease-wait':
        write(`${event.resource}: waiting for the lease ${event.holder} holds`);
        break;
      case 'run-end':
        write(
          event.error
            ? `${event.resource}: run ${event.run.id} ${event.run.status}: ${event.error.message}`
            : `${event.resource}: run ${event.run.id} succeeded: ${event.run.records} records in ${event.run.pages} pages`,
        );
        break;
      default:
        break;
    }
  }) as ProgressReporter;
  report.stop = () => undefined;
  return report;
}

function barReporter(stream: NodeJS.WriteStream): ProgressReporter {
  const multibar = new cliProgress.MultiBar(
    {
      stream,
      clearOnComplete: false,
      hideCursor: true,
      etaBuffer: 50,
      format: (options, params, payload: Record<string, string>) => {
        const known = params.total > 0;
        const bar = known ? `${cliProgress.Format.BarFormat(params.progress, options)} ${Math.round(params.progress * 100)}% | ` : '';
        const eta = known && params.eta > 0 && Number.isFinite(params.eta) ? ` | ETA ${params.eta}s` : '';
        return `${payload.resource} ${bar}${params.value} records | ${payload.pages} pages | ${payload.rate}/s | waited ${payload.waited}s${eta} ${payload.status}`;
      },
    },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, BarState>();
  const report = ((event: SyncEvent) => {
    const state = bars.get(event.resource);
    switch (event.type) {
      case 'run-start':
        bars.set(event.resource, {
          started: Date.now(),
          total: undefined,
          bar: multibar.create(0, 0, {
            resource: event.resource,
            pages: 0,
            rate: 0,
            waited: '0.0',
            status: event.resumed ? '(resumed)' : '',
          }),
        });
        break;
      case 'progress': {
        if (!state?.bar) break;
        if (event.total !== undefined && state.total !== event.total) {
          state.total = event.total;
          state.bar.setTotal(event.total);
        }
        const seconds = (Date.now() - state.started) / 1000;
        state.bar.update(event.committed, {
          pages: event.pages,
          rate: seconds > 0 ? Math.round(event.records / seconds) : 0,
          waited: (event.waitedMs / 1000).toFixed(1),
        });
        break;
      }
      case 'retry':
        state?.bar?.update({ status: `(${event.reason}, retry in ${(event.waitMs / 1000).toFixed(1)} s)` });
        break;
      case 'wait':
        multibar.log(`${event.resource}: ${event.reason}; waiting ${(event.waitMs / 1000).toFixed(1)} s before ${event.url}\n`);
        break;
      case 'skipped':
        multibar.log(`${event.resource}: skipped (${event.reason})\n`);
        break;
      case 'widened':
      case 'warning':
        multibar.log(`${noteLine(event)}\n`);
        break;
      case 'run-end':
        state?.bar?.update(event.run.records, { status: event.error ? `${event.run.status}: ${event.error.message}` : 'done' });
        state?.bar?.stop();
        break;
      default:
        break;
    }
  }) as ProgressReporter;
  report.stop = () => multibar.stop();
  return report;
}

/** A line for what a run wants said once: `api.coins: widened current_price bigint → decimal`. */
function noteLine(event: Extract<SyncEvent, { type: 'widened' | 'warning' }>): string {
  if (event.type === 'warning') return `${event.resource}: warning: ${event.message}`;
  return `${event.resource}: widened ${event.column} ${event.from} → ${event.to}`;
}
