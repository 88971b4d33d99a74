import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { Row } from '../store/types.js';
import { cellText } from './cell-text.js';
import type { ChunkSink } from './chunk-sink.js';
import type { ExportColumn } from './export-column.js';
import { neutralizeFormula } from './neutralize-formula.js';

/**
 * Writes RFC 4180 CSV (CRLF records, fields quoted when they hold a comma,
 * a quote or a line break, a lone LF or CR included): a header row, then one
 * record per row with cells as {@link cellText} spells them. SQL null is an empty field and an empty
 * string a quoted `""`, the convention PostgreSQL's `COPY … CSV` reads back.
 *
 * @returns the number of rows written (the header not counted).
 */
export async function writeCsv(columns: readonly ExportColumn[], rows: AsyncIterable<Row>, sink: ChunkSink): Promise<number> {
  let count = 0;
  async function* records(): AsyncGenerator<(string | null)[]> {
    yield columns.map((column) => neutralizeFormula(column.name));
    for await (const row of rows) {
      yield columns.map((column) => cellText(row[column.name], column.type));
      count += 1;
    }
  }
  // csv-stringify quotes a field holding the record delimiter (CRLF), not
  // one holding a lone LF or CR, which Excel and Python read as a line break
  // all the same. `quoted_match` applies to strings only: null stays unquoted.
  const stringifier = stringify({ record_delimiter: 'windows', quoted_match: [/^$/, /[\r\n]/] });
  stringifier.setEncoding('utf8');
  await pipeline(records, stringifier, async (text: AsyncIterable<string>) => {
    for await (const chunk of text) await sink.write(chunk);
  });
  return count;
}
