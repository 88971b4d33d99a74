import { isLosslessNumber } from 'lossless-json';
import type { ColumnType } from '../store/column-type.js';
import { stringifyJson } from '../util/exact-json.js';
import { isNumericType } from './export-column.js';
import { neutralizeFormula } from './neutralize-formula.js';

/**
 * A value as CSV cell text, or `null` for SQL null (written as an empty
 * field; an empty string is written `""`): booleans `true`/`false`, numbers
 * and bigints with their exact digits, json columns (and stray objects) as
 * exact JSON, Dates as ISO-8601. Text a spreadsheet would run as a formula
 * gets a leading `'`, except number literals where a number may stand (see
 * {@link neutralizeFormula}); JS numbers are numbers and never altered.
 */
export function cellText(value: unknown, type: ColumnType | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (type?.kind === 'json') return neutralizeFormula(stringifyJson(value), true);
  switch (typeof value) {
    case 'string':
      return neutralizeFormula(value, type === undefined || isNumericType(type));
    case 'number':
    case 'bigint':
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      break;
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (isLosslessNumber(value)) return value.toString();
  return neutralizeFormula(stringifyJson(value), true);
}
