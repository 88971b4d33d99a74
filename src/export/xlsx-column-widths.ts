import type { CellValue } from 'exceljs';

/** Widths in Excel's unit (characters of the default font). */
const MIN_WIDTH = 8;
const MAX_WIDTH = 60;
/** `yyyy-mm-dd hh:mm:ss` */
const DATE_WIDTH = 19;

/**
 * Column widths fitting the header and the first rows' cells. A streamed
 * sheet's columns are written before its rows, so the widths are guessed from
 * a sample rather than the whole table; long text is capped, not fitted.
 *
 * @param sample cell values of the first rows, as written
 */
export function xlsxColumnWidths(headers: readonly string[], sample: readonly (readonly CellValue[])[]): number[] {
  return headers.map((header, index) => {
    let widest = header.length;
    for (const cells of sample) widest = Math.max(widest, displayLength(cells[index]));
    return Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, widest + 2));
  });
}

function displayLength(value: CellValue): number {
  if (value === null || value === undefined) return 0;
  if (value instanceof Date) return DATE_WIDTH;
  if (typeof value === 'string') {
    let longest = 0;
    for (const line of value.split('\n')) longest = Math.max(longest, line.length);
    return longest;
  }
  return String(value).length;
}
