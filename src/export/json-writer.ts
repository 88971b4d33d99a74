import type { Row } from '../store/types.js';
import { stringifyJson } from '../util/exact-json.js';
import type { ChunkSink } from './chunk-sink.js';
import { type ExportColumn, isNumericType } from './export-column.js';

// A JSON number literal; the digit strings of decimal columns match it.
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * Writes a JSON array of row objects, one per line:
 * `[\n{…},\n{…}\n]\n` (`[]\n` when there are none). Keys are the column
 * names in column order. Values are exact: bigints and the digit strings of
 * numeric columns are written as JSON numbers with every digit (`12.30`,
 * `9223372036854775807`) — `parseJson` reads them back as numbers, bigints
 * or `LosslessNumber`s — timestamps as ISO-8601 strings, json columns as
 * their JSON, non-finite floats as `null` (JSON has no NaN). Untyped report
 * strings stay strings.
 *
 * @returns the number of rows written.
 */
export async function writeJson(columns: readonly ExportColumn[], rows: AsyncIterable<Row>, sink: ChunkSink): Promise<number> {
  // Keys are escaped once, not per row.
  const keys = columns.map((column, index) => `${index === 0 ? '' : ','}${JSON.stringify(column.name)}:`);
  let count = 0;
  await sink.write('[');
  for await (const row of rows) {
    let text = count === 0 ? '\n{' : ',\n{';
    for (const [index, column] of columns.entries()) {
      text += keys[index] + jsonText(row[column.name], isNumericType(column.type));
    }
    await sink.write(`${text}}`);
    count += 1;
  }
  await sink.write(count === 0 ? ']\n' : '\n]\n');
  return count;
}

function jsonText(value: unknown, numeric: boolean): string {
  switch (typeof value) {
    case 'string':
      return numeric && JSON_NUMBER.test(value) ? value : JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
      return 'null';
    default:
      return stringifyJson(value);
  }
}
