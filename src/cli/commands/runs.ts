import { Command, Option } from 'commander';
import { openContext, withConfigOption } from '../context.js';
import { positiveInt } from '../option-parsers.js';
import { formatTable } from '../print-table.js';

/** `siphon runs`: the recent run history, newest first. */
export function runsCommand(): Command {
  return withConfigOption(
    new Command('runs')
      .description('show the recent run history, newest first')
      .addOption(new Option('-r, --resource <id>', 'only runs of this source.resource'))
      .addOption(new Option('-n, --limit <n>', 'how many runs').default('20').argParser(positiveInt)),
  ).action(async (options: { config?: string; resource?: string; limit: number | string }) => {
    const context = await openContext(options);
    try {
      const runs = await context.store.runs.list({ resource: options.resource, limit: Number(options.limit) });
      if (runs.length === 0) {
        process.stdout.write('no runs yet\n');
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
      const rows = runs.map((run) => [
        run.id,
        run.resource,
        run.trigger,
        run.status,
        run.attempt,
        run.startedAt,
        run.finishedAt ? `${((Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000).toFixed(1)} s` : '',
        run.pages,
        run.records,
        run.retries,
        `${(run.waitedMs / 1000).toFixed(1)} s`,
        run.error ?? '',
      ]);
      process.stdout.write(formatTable(columns, rows));
    } finally {
      await context.close();
    }
  });
}
