import { PassThrough } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { type ExportColumn, type ExportFormat, exportRows } from 'siphon-sync/export';
import type { Row } from 'siphon-sync/store';

/**
 * Reads CSV the way Excel and Python's csv module split it: a CR, an LF or a
 * CRLF outside quotes ends a record, a quote inside an unquoted field or a
 * record of another width is an error. A writer that leaves a line break
 * unquoted fails here, where a reader keyed to CRLF would not notice.
 */
export function readCsvStrictly(text: string): string[][] {
  return parse(text, {
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_quotes: false,
    relax_column_count: false,
    skip_empty_lines: false,
    bom: false,
  });
}

/** What one export of `rows` writes, as one buffer. */
export async function exportToBuffer(format: ExportFormat, columns: readonly ExportColumn[], rows: readonly Row[]): Promise<Buffer> {
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (chunk: Buffer) => chunks.push(chunk));
  async function* source(): AsyncGenerator<Row> {
    yield* rows;
  }
  await exportRows({ columns, rows: source(), format, output });
  output.end();
  return Buffer.concat(chunks);
}

/**
 * A cell's text as Excel shows it: Office Open XML's `_xHHHH_` escapes
 * (ECMA-376 Part 1, ST_Xstring) decoded, left to right, as Excel does;
 * exceljs hands them over undecoded.
 */
export function excelText(value: unknown): unknown {
  return typeof value === 'string'
    ? value.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
    : value;
}
