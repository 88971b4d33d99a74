import { Command, Option } from 'commander';
import { ConfigError } from '../../errors/config-error.js';
import type { ExportFormat } from '../../export/export-format.js';
import { didYouMean } from '../../util/did-you-mean.js';
import { openContext, withConfigOption } from '../context.js';
import { formatTable } from '../print-table.js';
import { exportFormatFor, formatOption, writeExport } from './export.js';

/** `siphon report <name>`: runs a report's SQL and prints or exports it. */
export function reportCommand(): Command {
  return withConfigOption(
    new Command('report')
      .description("run a report's SQL and print it (or export it with --format/--output)")
      .argument('<name>', 'report name from the config')
      .addOption(formatOption())
      .addOption(new Option('-o, --output <file>', 'write to this file')),
  ).action(async (name: string, options: { config?: string; format?: ExportFormat; output?: string }) => {
    const context = await openContext(options, 'read');
    try {
      const report = context.config.reports[name];
      if (!report) {
        const names = Object.keys(context.config.reports);
        throw new ConfigError(
          `reports.${name}`,
          `no such report${didYouMean(name, names)}; expected one of ${names.join(', ') || '(none declared)'}`,
        );
      }
      const result = await context.store.query(report.sql);
      if (options.format || options.output) {
        const rows = await writeExport({
          columns: result.columns.map((column) => ({ name: column })),
          rows: result.rows,
          format: exportFormatFor(options.format, options.output, 'csv'),
          output: options.output,
          sheetName: name,
        });
        if (options.output) process.stderr.write(`exported ${rows} rows of report ${name} to ${options.output}\n`);
        return;
      }
      const rows: unknown[][] = [];
      for await (const row of result.rows) rows.push(result.columns.map((column) => row[column]));
      process.stdout.write(formatTable(result.columns, rows));
    } finally {
      await context.close();
    }
  });
}
