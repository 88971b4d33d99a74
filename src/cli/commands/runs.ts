import { Command, InvalidArgumentError, Option } from 'commander';
import { formatDuration } from '../../admin/format.js';
import type { ResolvedConfig } from '../../config/types.js';
import { ConfigError } from '../../errors/config-error.js';
import type { RunRecord, RunStatus, Store } from '../../store/types.js';
import { didYouMean } from '../../util/did-you-mean.js';
import { openContext, withConfigOption } from '../context.js';
import { positiveInt } from '../option-parsers.js';
import { cellText, formatTable } from '../print-table.js';
import { findResource } from '../resource-id.js';

const STATUSES: readonly RunStatus[] = ['running', 'succeeded', 'failed', 'interrupted', 'skipped'];

function runStatus(value: string): RunStatus {
  const status = STATUSES.find((candidate) => candidate === value.toLowerCase());
  if (status) return status;
  throw new InvalidArgumentError(`unknown status "${value}"${didYouMean(value, STATUSES)}; expected one of ${STATUSES.join(', ')}`);
}

interface ListOptions {
  config?: string;
  resource?: string;
  status?: RunStatus;
  limit: number;
  json?: boolean;
}

/** `siphon runs`: the recent run history, newest first; `siphon runs show ID`: one run in full. */
export function runsCommand(): Command {
  const runs = withConfigOption(
    new Command('runs')
      .description('show the recent run history, newest first (siphon runs show ID for one run in full)')
      .addOption(new Option('-r, --resource <id>', 'only runs of this source.resource'))
      .addOption(new Option('-s, --status <status>', `only runs with this status: ${STATUSES.join(', ')}`).argParser(runStatus))
      .addOption(new Option('-n, --limit <n>', 'how many runs').default(20).argParser(positiveInt))
      .option('--json', 'print the runs as a JSON array (errors and checkpoints masked)'),
  ).action(async (options: ListOptions) => {
    const context = await openContext(options, 'read');
    try {
      const resource = options.resource === undefined ? undefined : findResource(context.config, options.resource, '--resource').id;
      const found = (await hasHistory(context.store))
        ? await listRuns(context.store, { resource, status: options.status, limit: options.limit })
        : [];
      const { maskedRun } = await import('../../admin/masked-config.js');
      const shown = found.map((run) => maskedRun(context.config, run));
      if (options.json) {
        const { stringifyJson } = await import('../../util/exact-json.js');
        process.stdout.write(
          `${stringifyJson(
            shown.map((run) => ({ ...run, durationMs: durationMs(run) })),
            2,
          )}\n`,
        );
        return;
      }
      if (shown.length === 0) {
        process.stdout.write(options.resource || options.status ? 'no runs match\n' : 'no runs yet\n');
        return;
      }
      const columns = [
        'id',
        'resource',
        'trigger',
        'status',
        'attempt',
        'started',
        'duration',
        'pages',
        'records',
        'retries',
        'waited',
        'error',
      ];
      const rows = shown.map((run) => [
        run.id,
        run.resource,
        run.trigger,
        run.status,
        run.attempt,
        run.startedAt,
        seconds(durationMs(run)),
        run.pages,
        run.records,
        run.retries,
        seconds(run.waitedMs),
        run.error ?? '',
      ]);
      process.stdout.write(formatTable(columns, rows));
    } finally {
      await context.close();
    }
  });
  runs.addCommand(runsShowCommand());
  return runs;
}

function runsShowCommand(): Command {
  return withConfigOption(
    new Command('show')
      .description('show one run in full: its error with every cause, checkpoint, counters, widened columns and timing')
      .argument('<id>', 'run id (the first column of siphon runs)', positiveInt)
      .option('--json', 'print the run as JSON (errors and checkpoint masked)'),
  ).action(async (id: number, _options: unknown, command: Command) => {
    // `runs` declares --config and --json too, and commander gives them to it wherever they stand.
    const options = command.optsWithGlobals<{ config?: string; json?: boolean }>();
    const context = await openContext(options, 'read');
    try {
      const run = (await hasHistory(context.store)) ? await context.store.runs.get(id) : undefined;
      if (!run) throw new ConfigError('', `no run with id ${id} in this database (siphon runs lists them)`);
      const detail = await runDetail(context.config, context.store, run);
      if (options.json) {
        const { stringifyJson } = await import('../../util/exact-json.js');
        process.stdout.write(`${stringifyJson(detail, 2)}\n`);
        return;
      }
      process.stdout.write(formatDetail(detail));
    } finally {
      await context.close();
    }
  });
}

/** A run as `runs show` prints it: the record masked, its timing and the error's cause chain, masked too. */
interface RunDetail extends RunRecord {
  readonly durationMs: number | null;
  readonly errorChain: readonly { name: string; message: string; status?: number; request?: string; attempt?: number }[] | null;
  /** Incremental: the range the run asked for, from its timeline. */
  readonly range: { readonly from: string | null; readonly to: string | null } | null;
}

async function runDetail(config: ResolvedConfig, store: Store, run: RunRecord): Promise<RunDetail> {
  const { maskedJson, maskedRun } = await import('../../admin/masked-config.js');
  const { runProgress, timelineFacts } = await import('../../admin/run-detail.js');
  const events = await store.runs.events.list(run.id);
  const progress = runProgress(run, timelineFacts(events), Date.now());
  const chain = progress.errorChain === undefined ? null : (maskedJson(config, progress.errorChain) as RunDetail['errorChain']);
  const asked = events.findLast((event) => event.type === 'range')?.data as { from?: unknown; to?: unknown } | undefined;
  const range = asked
    ? { from: typeof asked.from === 'string' ? asked.from : null, to: typeof asked.to === 'string' ? asked.to : null }
    : null;
  return { ...maskedRun(config, run), durationMs: durationMs(run), errorChain: chain, range };
}

function formatDetail(run: RunDetail): string {
  const lines = [
    `run ${run.id}: ${run.resource} ${run.status}`,
    field('trigger', run.trigger),
    field('attempt', run.attempt),
    field('worker', run.worker ?? ''),
    field('started', run.startedAt),
    field('finished', run.finishedAt ?? '(not finished)'),
    field('duration', run.durationMs === null ? '' : formatDuration(run.durationMs)),
    field('heartbeat', run.heartbeatAt ?? ''),
    field('pages', run.pages),
    field('records', run.records),
    field('retries', run.retries),
    field('waited', formatDuration(run.waitedMs)),
    field('widened', run.widened.length === 0 ? 'none' : run.widened.map((w) => `${w.table}.${w.column} ${w.from} → ${w.to}`).join('; ')),
    field('checkpoint', run.checkpoint === null ? 'none' : cellText(run.checkpoint)),
  ];
  if (run.range) lines.push(field('range', `${run.range.from ?? '(the beginning)'} → ${run.range.to ?? '(no end sent)'}`));
  if (run.errorChain && run.errorChain.length > 0) {
    lines.push('error:');
    for (const [depth, link] of run.errorChain.entries()) {
      const extra = [
        link.status === undefined ? '' : `HTTP ${link.status}`,
        link.request ?? '',
        link.attempt === undefined ? '' : `attempt ${link.attempt}`,
      ]
        .filter((text) => text !== '')
        .join(', ');
      lines.push(`  ${depth === 0 ? '' : 'caused by '}${link.name}: ${link.message}${extra ? ` (${extra})` : ''}`);
    }
  } else if (run.error !== null) {
    lines.push(field('error', run.error));
  }
  return `${lines.join('\n')}\n`;
}

const field = (name: string, value: unknown): string => `${`${name}:`.padEnd(12)}${cellText(value)}`;

async function hasHistory(store: Store): Promise<boolean> {
  const { RUNS_TABLE } = await import('../../store/siphon-tables.js');
  return store.hasTable(RUNS_TABLE);
}

/** Newest first, following keyset pages while more than a page is asked for. */
async function listRuns(
  store: Store,
  query: { resource?: string | undefined; status?: RunStatus | undefined; limit: number },
): Promise<RunRecord[]> {
  const runs: RunRecord[] = [];
  let before: number | undefined;
  while (runs.length < query.limit) {
    const page = await store.runs.page({ resource: query.resource, status: query.status, before, limit: query.limit - runs.length });
    runs.push(...page.runs);
    if (page.older === undefined || page.runs.length === 0) break;
    before = page.older;
  }
  return runs;
}

function durationMs(run: RunRecord): number | null {
  return run.finishedAt ? Date.parse(run.finishedAt) - Date.parse(run.startedAt) : null;
}

function seconds(ms: number | null): string {
  return ms === null ? '' : `${(ms / 1000).toFixed(1)} s`;
}
