import { PassThrough } from 'node:stream';
import ExcelJS, { type CellValue, type Style, type Worksheet } from 'exceljs';
import type { Row } from '../store/types.js';
import type { ChunkSink } from './chunk-sink.js';
import type { ExportColumn } from './export-column.js';
import { sheetName } from './sheet-name.js';
import { SheetBackpressure } from './xlsx-backpressure.js';
import { xlsxCellValue } from './xlsx-cell-value.js';
import { xlsxColumnWidths } from './xlsx-column-widths.js';

/** Excel's row limit; a worksheet holds this many rows, header included. */
export const MAX_SHEET_ROWS = 1_048_576;

// One style object for all plain cells and one for all dates: exceljs caches
// a style's id by object identity, so shared objects skip its per-cell style
// serialization (most of the time a sheet takes otherwise).
const PLAIN_STYLE: Partial<Style> = Object.freeze({});
const DATE_STYLE: Partial<Style> = Object.freeze({ numFmt: 'yyyy-mm-dd hh:mm:ss' });

/** Rows read ahead to size the columns. */
const SAMPLE_ROWS = 100;

export interface XlsxOptions {
  /** @default 'Sheet1' */
  readonly sheetName?: string | undefined;
  /**
   * Data rows per worksheet; more continue on `name (2)`, `name (3)`, … each
   * with the header row.
   * @default MAX_SHEET_ROWS - 1
   */
  readonly rowsPerSheet?: number | undefined;
}

/**
 * Writes an XLSX workbook with exceljs's streaming writer: a bold, frozen
 * header row, columns sized to the header and the first rows, and typed cells
 * ({@link xlsxCellValue}). Strings are inline (no shared-string table) so
 * memory stays flat however many rows there are.
 *
 * @returns the number of rows written (headers not counted).
 */
export async function writeXlsx(
  columns: readonly ExportColumn[],
  rows: AsyncIterable<Row>,
  sink: ChunkSink,
  options: XlsxOptions = {},
): Promise<number> {
  const zipped = new PassThrough();
  const pumping = (async () => {
    for await (const chunk of zipped) await sink.write(chunk as Buffer);
  })();
  // Whatever the writer awaits, it stops as soon as the output fails.
  const failed = new Promise<never>((_, reject) => pumping.catch(reject));
  failed.catch(() => undefined);
  const unlessFailed = <T>(promise: Promise<T>): Promise<T> => Promise.race([promise, failed]);

  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: zipped, useStyles: true, useSharedStrings: false });
  const cellsOf = (row: Row): CellValue[] => columns.map((column) => xlsxCellValue(row[column.name], column.type));
  const iterator = rows[Symbol.asyncIterator]();
  let exhausted = false;
  const next = async (): Promise<Row | undefined> => {
    const result = await iterator.next();
    if (!result.done) return result.value;
    exhausted = true;
    return undefined;
  };

  try {
    const sample: CellValue[][] = [];
    while (sample.length < SAMPLE_ROWS) {
      const row = await next();
      if (row === undefined) break;
      sample.push(cellsOf(row));
    }
    const headers = columns.map((column) => column.name);
    const sheets = new Sheets(workbook, headers, xlsxColumnWidths(headers, sample), options);
    let count = 0;
    for (const cells of sample.splice(0)) {
      await sheets.add(cells, unlessFailed);
      count += 1;
    }
    for (let row = await next(); row !== undefined; row = await next()) {
      await sheets.add(cellsOf(row), unlessFailed);
      count += 1;
    }
    await unlessFailed(workbook.commit());
    await pumping;
    return count;
  } catch (error) {
    // Ends the pump (and the archive with it); the caller discards the output.
    zipped.destroy();
    await pumping.catch(() => undefined);
    throw error;
  } finally {
    if (!exhausted) await iterator.return?.().catch(() => undefined);
  }
}

/** The workbook's worksheets, a new one each `rowsPerSheet` rows. */
class Sheets {
  readonly #workbook: ExcelJS.stream.xlsx.WorkbookWriter;
  readonly #headers: readonly string[];
  readonly #widths: readonly number[];
  readonly #name: string;
  readonly #rowsPerSheet: number;
  #sheet: Worksheet;
  #backpressure: SheetBackpressure;
  #sheets = 0;
  #rows = 0;

  constructor(workbook: ExcelJS.stream.xlsx.WorkbookWriter, headers: readonly string[], widths: readonly number[], options: XlsxOptions) {
    this.#workbook = workbook;
    this.#headers = headers;
    this.#widths = widths;
    this.#name = options.sheetName ?? 'Sheet1';
    this.#rowsPerSheet = Math.max(1, Math.min(options.rowsPerSheet ?? MAX_SHEET_ROWS - 1, MAX_SHEET_ROWS - 1));
    // An export of no rows still gets a sheet with its header.
    this.#sheet = this.#open();
    this.#backpressure = new SheetBackpressure(this.#sheet);
  }

  async add(cells: readonly CellValue[], unlessFailed: <T>(promise: Promise<T>) => Promise<T>): Promise<void> {
    if (this.#rows === this.#rowsPerSheet) {
      this.#sheet.commit();
      this.#sheet = this.#open();
      this.#backpressure = new SheetBackpressure(this.#sheet);
    }
    const row = this.#sheet.addRow(cells);
    for (const [index, value] of cells.entries()) {
      if (value !== null) row.getCell(index + 1).style = value instanceof Date ? DATE_STYLE : PLAIN_STYLE;
    }
    row.commit();
    this.#rows += 1;
    const room = this.#backpressure.room();
    if (room) await unlessFailed(room);
  }

  #open(): Worksheet {
    this.#sheets += 1;
    this.#rows = 0;
    const name = sheetName(this.#name, this.#sheets === 1 ? '' : ` (${this.#sheets})`);
    const sheet = this.#workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = this.#widths.map((width) => ({ width }));
    const header = sheet.addRow([...this.#headers]);
    header.font = { bold: true };
    header.commit();
    return sheet;
  }
}
