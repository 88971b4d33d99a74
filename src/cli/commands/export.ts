import { Command, InvalidArgumentError, Option } from 'commander';
import type { ResolvedConfig } from '../../config/types.js';
import { ConfigError } from '../../errors/config-error.js';
import type { ExportColumn } from '../../export/export-column.js';
import { type ExportFormat, exportFormats } from '../../export/export-format.js';
import type { QueryResult, Store } from '../../store/types.js';
import { openContext, withConfigOption } from '../context.js';

/** A table or a report, ready to stream. */
export async function openDataset(
  config: ResolvedConfig,
  store: Store,
  name: string,
): Promise<{ columns: ExportColumn[]; result: QueryResult; kind: 'table' | 'report' }> {
  const report = config.reports[name];
  if (report) {
    const result = await store.query(report.sql);
    return { columns: result.columns.map((column) => ({ name: column })), result, kind: 'report' };
  }
  if (await store.hasTable(name)) {
    const info = await store.tableColumns(name);
    const result = await store.readTable(name);
    return { columns: info.map((column) => ({ name: column.name, ...(column.type ? { type: column.type } : {}) })), result, kind: 'table' };
  }
  const tables = config.resources.map((resource) => resource.table.name);
  const reports = Object.keys(config.reports);
  throw new ConfigError(
    '',
    `no table or report named "${name}"; tables: ${tables.join(', ') || 'none'}; reports: ${reports.join(', ') || 'none'}` +
      (tables.includes(name) ? ` (table ${name} is declared but has not been synced yet: run \`siphon run\` first)` : ''),
  );
}

export function formatOption(): Option {
  return new Option('-f, --format <format>', `output format: ${exportFormats.join(', ')}`).argParser((value) => {
    if (!(exportFormats as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`expected one of ${exportFormats.join(', ')}`);
    }
    return value;
  });
}

/** `siphon export <table|report>`: streams a table or a report's rows to CSV, XLSX or JSON. */
export function exportCommand(): Command {
  return withConfigOption(
    new Command('export')
      .description('export a table or a report as CSV, XLSX or JSON (streaming)')
      .argument('<name>', 'table or report name')
      .addOption(formatOption().default('csv'))
      .addOption(new Option('-o, --output <file>', 'write to this file (default: stdout; required for xlsx)')),
  ).action(async (name: string, options: { config?: string; format: ExportFormat; output?: string }) => {
    if (options.format === 'xlsx' && !options.output && process.stdout.isTTY) {
      throw new ConfigError('', 'xlsx is binary: give an --output file or redirect stdout');
    }
    const context = await openContext(options);
    try {
      const dataset = await openDataset(context.config, context.store, name);
      const { exportRows } = await import('../../export/export-rows.js');
      const { rows } = await exportRows({
        columns: dataset.columns,
        rows: dataset.result.rows,
        format: options.format,
        output: options.output ?? process.stdout,
        sheetName: name,
      });
      if (options.output) process.stderr.write(`exported ${rows} rows of ${dataset.kind} ${name} to ${options.output}\n`);
    } finally {
      await context.close();
    }
  });
}
