import ExcelJS from 'exceljs';
import type { ExportColumn } from 'siphon-sync/export';
import { describe, expect, it } from 'vitest';
import { excelText, exportToBuffer, readCsvStrictly } from './helpers/strict-csv.js';

// RFC 4180: a field holding a line break, of any kind, is quoted. Excel and
// Python split a record on a lone LF or CR too, so one left bare would cut
// the row in two, and the line after it would start a new row, where a
// leading `=` runs as a formula.

const columns: readonly ExportColumn[] = [
  { name: 'id', type: { kind: 'integer' } },
  { name: 'note', type: { kind: 'text' } },
];

describe('CSV read back strictly', () => {
  it('the strict reader splits a record on a bare LF or CR (so the next test can fail)', () => {
    expect(() => readCsvStrictly('id,note\r\n1,a\nb\r\n')).toThrow();
    expect(readCsvStrictly('id,note\r\n1,"a\nb"\r\n2,"c\rd"\r\n')).toEqual([
      ['id', 'note'],
      ['1', 'a\nb'],
      ['2', 'c\rd'],
    ]);
  });

  it('quotes fields with a lone LF or CR; a second line starting with = stays inside its cell', async () => {
    const notes = [
      'line one\nline two',
      'carriage\rreturn',
      'x\n=HYPERLINK("http://127.0.0.1/evil","click")',
      'y\r=1+1',
      'both\r\nkinds',
      'plain',
    ];
    const rows = notes.map((note, index) => ({ id: index + 1, note }));
    const text = (await exportToBuffer('csv', columns, rows)).toString('utf8');
    const records = readCsvStrictly(text);
    expect(records).toEqual([['id', 'note'], ...notes.map((note, index) => [String(index + 1), note])]);
    // Every record is whole: no cell, hence no row a spreadsheet makes, starts a formula.
    for (const cell of records.flat()) expect(cell).not.toMatch(/^[=+\-@]/);
  });
});

describe('XLSX read back', () => {
  it('keeps a CR, NUL and other control characters (XML cannot carry them as they are), and text that looks like an escape', async () => {
    const notes = ['a\rb', 'nul\u0000x', 'bell\u0007 and DEL\u007f', '_x0041_ stays', 'tab\tand\nlf', '\r\n'];
    const rows = notes.map((note, index) => ({ id: index + 1, note }));
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await exportToBuffer('xlsx', columns, rows)) as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    expect(notes.map((_, index) => excelText(sheet?.getRow(index + 2).getCell(2).value))).toEqual(notes);
  });
});
