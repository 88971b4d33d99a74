import { extname } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { ResolvedConfig } from '../../config/types.js';
import { ConfigError } from '../../errors/config-error.js';
import type { ExportColumn } from '../../export/export-column.js';
import { type ExportFormat, exportFormats } from '../../export/export-format.js';
import type { ExportRowsOptions } from '../../export/export-rows.js';
import type { QueryResult, Store } from '../../store/types.js';
import { didYouMean } from '../../util/did-you-mean.js';
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
    `no table or report named "${name}"${didYouMean(name, [...tables, ...reports])}; tables: ${tables.join(', ') || 'none'}; reports: ${reports.join(', ') || 'none'}` +
      (tables.includes(name) ? ` (table ${name} is declared but has not been synced yet: run \`siphon run\` first)` : ''),
  );
}

/** The format a file name's extension implies (`coins.xlsx` → xlsx), if it names one. */
export function formatOfFile(file: string): ExportFormat | undefined {
  const extension = extname(file).slice(1).toLowerCase();
  return exportFormats.find((format) => format === extension);
}

/**
 * The format of an export: `--format`, else the output file's extension, else
 * `fallback`. A `--format` the extension contradicts (`-f csv -o x.xlsx`) is a usage error.
 */
export function exportFormatFor(format: ExportFormat | undefined, output: string | undefined, fallback: ExportFormat): ExportFormat {
  const implied = output === undefined ? undefined : formatOfFile(output);
  if (format !== undefined && implied !== undefined && format !== implied) {
    throw new ConfigError(
      '--format',
      `${format} contradicts the output file ${output}, whose extension says ${implied}; drop --format or rename the file`,
    );
  }
  return format ?? implied ?? fallback;
}

/**
 * Streams an export to a file or to stdout. A reader that closes the pipe
 * early (`siphon export t | head -1`) has what it wanted: that ends the export
 * quietly, not as a failure.
 */
export async function writeExport(
  options: Omit<ExportRowsOptions, 'output'> & { output: string | undefined },
): Promise<number | undefined> {
  const { exportRows } = await import('../../export/export-rows.js');
  if (options.output !== undefined) return (await exportRows({ ...options, output: options.output })).rows;
  // Later writes to a closed pipe fail again; none of them is news.
  const ignoreClosedPipe = (error: NodeJS.ErrnoException): void => {
    if (!isClosedPipe(error)) throw error;
  };
  process.stdout.on('error', ignoreClosedPipe);
  try {
    return (await exportRows({ ...options, output: process.stdout })).rows;
  } catch (error) {
    if (isClosedPipe(error)) return undefined;
    throw error;
  }
}

function isClosedPipe(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED' || code === 'ERR_STREAM_WRITE_AFTER_END';
}

export function formatOption(): Option {
  return new Option(
    '-f, --format <format>',
    `output format: ${exportFormats.join(', ')} (default: the output file's extension, else csv)`,
  ).argParser((value) => {
    const format = exportFormats.find((candidate) => candidate === value.toLowerCase());
    if (format === undefined)
      throw new InvalidArgumentError(`expected one of ${exportFormats.join(', ')}${didYouMean(value, exportFormats)}`);
    return format;
  });
}

/** `siphon export <table|report>`: streams a table or a report's rows to CSV, XLSX or JSON. */
export function exportCommand(): Command {
  return withConfigOption(
    new Command('export')
      .description('export a table or a report as CSV, XLSX or JSON (streaming)')
      .argument('<name>', 'table or report name')
      .addOption(formatOption())
      .addOption(
        new Option(
          '-o, --output <file>',
          'write to this file (default: stdout, which for xlsx must be a file or a pipe); its extension sets the format',
        ),
      ),
  ).action(async (name: string, options: { config?: string; format?: ExportFormat; output?: string }) => {
    const format = exportFormatFor(options.format, options.output, 'csv');
    if (format === 'xlsx' && !options.output && process.stdout.isTTY) {
      throw new ConfigError('', 'xlsx is binary: give an --output file or redirect stdout');
    }
    const context = await openContext(options, 'read');
    try {
      const dataset = await openDataset(context.config, context.store, name);
      const rows = await writeExport({
        columns: dataset.columns,
        rows: dataset.result.rows,
        format,
        output: options.output,
        sheetName: name,
      });
      if (options.output) process.stderr.write(`exported ${rows} rows of ${dataset.kind} ${name} to ${options.output}\n`);
    } finally {
      await context.close();
    }
  });
}
