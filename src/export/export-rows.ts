import type { Row } from '../store/types.js';
import { type ChunkSink, StreamSink } from './chunk-sink.js';
import type { ExportColumn } from './export-column.js';
import { type ExportFormat, exportFormats } from './export-format.js';
import { FileSink } from './file-sink.js';

export interface ExportRowsOptions {
  /** The columns to write, in order; each row's value is looked up by name. */
  readonly columns: readonly ExportColumn[];
  /** Read once, row by row; never gathered in memory. */
  readonly rows: AsyncIterable<Row>;
  readonly format: ExportFormat;
  /**
   * A file path, written to a temporary file renamed into place when the
   * export succeeds (removed when it fails); or a stream, written with
   * backpressure and left open for the caller to end.
   */
  readonly output: NodeJS.WritableStream | string;
  /**
   * XLSX only: the worksheet's name (made valid for Excel: at most 31
   * characters, none of `\ / ? * [ ] :`). Callers exporting a table pass its name.
   * @default 'Sheet1'
   */
  readonly sheetName?: string | undefined;
}

export interface ExportResult {
  /** Data rows written (header rows not counted). */
  readonly rows: number;
}

/**
 * Streams rows to a CSV, XLSX or JSON file or stream. Memory stays flat
 * however many rows there are, and the export waits whenever the output is
 * behind. On failure (the row source throws, the output fails) the promise
 * rejects with that error and a file output is left untouched.
 */
export async function exportRows(options: ExportRowsOptions): Promise<ExportResult> {
  const { columns, rows, format, output } = options;
  if (!exportFormats.includes(format)) {
    throw new TypeError(`unknown export format "${String(format)}"; expected one of ${exportFormats.join(', ')}`);
  }
  const sink: ChunkSink = typeof output === 'string' ? await FileSink.open(output) : new StreamSink(output);
  try {
    const count = await write(format, columns, rows, sink, options.sheetName);
    await sink.close();
    return { rows: count };
  } catch (error) {
    await sink.abort();
    throw error;
  }
}

/**
 * Each writer loads with the first export in its format: exceljs alone costs
 * about 25 MB of RSS, which a program that imports this entry and exports
 * CSV, or never exports, should not carry.
 */
async function write(
  format: ExportFormat,
  columns: readonly ExportColumn[],
  rows: AsyncIterable<Row>,
  sink: ChunkSink,
  sheetName: string | undefined,
): Promise<number> {
  switch (format) {
    case 'csv':
      return (await import('./csv-writer.js')).writeCsv(columns, rows, sink);
    case 'json':
      return (await import('./json-writer.js')).writeJson(columns, rows, sink);
    case 'xlsx':
      return (await import('./xlsx-writer.js')).writeXlsx(columns, rows, sink, { sheetName });
    default:
      return format satisfies never;
  }
}
