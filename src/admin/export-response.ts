import { PassThrough, Readable } from 'node:stream';
import type { ExportColumn } from '../export/export-column.js';
import type { ExportFormat } from '../export/export-format.js';
import type { Row } from '../store/types.js';

const CONTENT_TYPES: Readonly<Record<ExportFormat, string>> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  json: 'application/json; charset=utf-8',
};

export interface ExportResponseOptions {
  readonly columns: readonly ExportColumn[];
  readonly rows: AsyncIterable<Row>;
  readonly format: ExportFormat;
  /** The download's name without extension; also the XLSX sheet's. */
  readonly name: string;
}

/**
 * A download streamed through the package's exporters (`exportRows`, loaded
 * with the first export): rows go out as they are read, with backpressure
 * from the client's connection, and memory stays flat however big the table.
 * A failure half-way aborts the response, so a client never takes a cut
 * file for a whole one.
 */
export async function exportResponse({ columns, rows, format, name }: ExportResponseOptions): Promise<Response> {
  const { exportRows } = await import('../export/export-rows.js');
  const output = new PassThrough();
  exportRows({ columns, rows, format, output, sheetName: name }).then(
    () => output.end(),
    (error: unknown) => output.destroy(error instanceof Error ? error : new Error(String(error))),
  );
  const filename = `${name.replace(/[^A-Za-z0-9._-]+/g, '_')}.${format}`;
  return new Response(Readable.toWeb(output) as ReadableStream<Uint8Array>, {
    headers: {
      'content-type': CONTENT_TYPES[format],
      'content-disposition': `attachment; filename="${filename}"`,
      'cache-control': 'no-store',
    },
  });
}
