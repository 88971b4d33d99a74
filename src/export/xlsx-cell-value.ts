import type { CellValue } from 'exceljs';
import { isLosslessNumber } from 'lossless-json';
import type { ColumnType } from '../store/column-type.js';
import { stringifyJson } from '../util/exact-json.js';
import { exactDouble } from './exact-double.js';
import { isNumericType } from './export-column.js';
import { xlsxText } from './xlsx-text.js';

/** Excel refuses (“repairs”) cells holding more characters than this. */
export const MAX_CELL_TEXT = 32_767;

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

// Before 1900-03-01 Excel's serial dates are off by a day (its 1900 leap-year
// bug), and after 9999 it has none; such timestamps stay text.
const FIRST_EXCEL_DATE = Date.UTC(1900, 2, 1);
const END_OF_EXCEL_DATES = Date.UTC(10_000, 0, 1);

/**
 * The cell to write for a value:
 * - numbers (and numeric columns' digit strings) → number cells when a double
 *   holds them exactly; otherwise text with every digit, since Excel has no
 *   other numeric type (bigints beyond ±(2^53−1), long decimals);
 * - timestamps → `Date` (milliseconds; Excel has no time zones, so UTC);
 * - booleans → boolean cells; json → exact JSON text; `null` and `''` → no cell.
 * Text is never evaluated by Excel — exceljs writes it as a value, never as
 * a formula — so it is not neutralized here.
 */
export function xlsxCellValue(value: unknown, type: ColumnType | undefined): CellValue {
  if (value === null || value === undefined) return null;
  const kind = type?.kind;
  if (kind === 'json') return fitCell(stringifyJson(value));
  switch (typeof value) {
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return value >= -MAX_SAFE && value <= MAX_SAFE ? Number(value) : value.toString();
    case 'string':
      if (kind === 'timestamp') return excelDate(new Date(value)) ?? fitCell(value);
      if (isNumericType(type)) return exactDouble(value) ?? fitCell(value);
      return fitCell(value);
    default:
      break;
  }
  if (value instanceof Date) return excelDate(value) ?? fitCell(String(value));
  if (isLosslessNumber(value)) return exactDouble(value.value) ?? value.value;
  return fitCell(stringifyJson(value));
}

function excelDate(date: Date): Date | undefined {
  const time = date.getTime();
  return time >= FIRST_EXCEL_DATE && time < END_OF_EXCEL_DATES ? date : undefined;
}

function fitCell(text: string): string | null {
  if (text === '') return null;
  if (text.length <= MAX_CELL_TEXT) return xlsxText(text);
  // Cut before a split surrogate pair rather than leave half a character.
  const end = /[\uD800-\uDBFF]/.test(text.charAt(MAX_CELL_TEXT - 1)) ? MAX_CELL_TEXT - 1 : MAX_CELL_TEXT;
  return xlsxText(text.slice(0, end));
}
