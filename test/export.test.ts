import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { LosslessNumber, parseJson } from 'siphon-sync';
import { type ExportColumn, type ExportFormat, exportFormats, exportRows } from 'siphon-sync/export';
import type { Row } from 'siphon-sync/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exactDouble, neutralizeFormula, StreamSink, sheetName, writeXlsx } from '../src/export/index.js';

// ---------------------------------------------------------------------------
// Fixture: every column type, the awkward values of each, and a report-style
// (untyped) column.

const columns: readonly ExportColumn[] = [
  { name: 'id', type: { kind: 'integer' } },
  { name: 'name', type: { kind: 'text' } },
  { name: 'big', type: { kind: 'bigint' } },
  { name: 'amount', type: { kind: 'decimal', precision: 20, scale: 2 } },
  { name: 'exact', type: { kind: 'decimal', precision: 0, scale: 0 } },
  { name: 'ratio', type: { kind: 'float' } },
  { name: 'active', type: { kind: 'boolean' } },
  { name: 'at', type: { kind: 'timestamp' } },
  { name: 'payload', type: { kind: 'json' } },
  { name: 'report' },
];

const fixture: readonly Row[] = [
  {
    id: 1,
    name: '=SUM(A1:A2)',
    big: 9223372036854775807n,
    amount: '-0.05',
    exact: '0.000012345678901234567',
    ratio: -12.5,
    active: true,
    at: '2024-03-14T07:10:36.635Z',
    payload: { n: 9223372036854775807n, list: [1, 'two', null, { d: new LosslessNumber('0.10000000000000000001') }] },
    report: '-12.50',
  },
  {
    id: -2,
    name: '+1 555 0100',
    big: -9007199254740993n,
    amount: '123456789012345678.90',
    exact: '1',
    ratio: 0.1,
    active: false,
    at: '2024-03-14T07:10:36.635123Z',
    payload: [],
    report: '=HYPERLINK("http://x")',
  },
  {
    id: 3,
    name: '-minus',
    big: 42n,
    amount: '12.30',
    exact: '-3.5',
    ratio: Math.PI,
    active: null,
    at: null,
    payload: 'just a string',
    report: 7,
  },
  {
    id: 4,
    name: '@handle',
    big: -9223372036854775808n,
    amount: '0.00',
    exact: null,
    ratio: 1e21,
    active: true,
    at: '1999-12-31T23:59:59.999Z',
    payload: { nested: { deeper: [true, false] } },
    report: 9007199254740993n,
  },
  {
    id: 5,
    name: 'comma, "quotes"\nand a newline',
    big: 0n,
    amount: null,
    exact: '100',
    ratio: 0,
    active: false,
    at: null,
    payload: null,
    report: true,
  },
  {
    id: 6,
    name: 'unicode é 日本語 🎉',
    big: null,
    amount: '-1.00',
    exact: '2.5',
    ratio: null,
    active: null,
    at: null,
    payload: 1,
    report: null,
  },
  { id: 7, name: '\tTAB first', big: 1n, amount: '5.55', exact: null, ratio: -0.5, active: null, at: null, payload: null, report: '@x' },
  { id: 8, name: '', big: null, amount: null, exact: null, ratio: null, active: null, at: null, payload: null, report: '' },
  { id: 9, name: null, big: null, amount: null, exact: null, ratio: null, active: null, at: null, payload: null, report: 'plain text' },
];

async function* fromArray(rows: readonly Row[]): AsyncGenerator<Row> {
  for (const row of rows) yield row;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'siphon-export-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function exportFixture(format: ExportFormat, name = `fixture.${format}`): Promise<string> {
  const path = join(dir, name);
  const result = await exportRows({ columns, rows: fromArray(fixture), format, output: path, sheetName: 'items' });
  expect(result).toEqual({ rows: fixture.length });
  return path;
}

// ---------------------------------------------------------------------------

describe('CSV', () => {
  // null stays null (an unquoted empty field), '' is a quoted "".
  const expected: (string | null)[][] = [
    ['id', 'name', 'big', 'amount', 'exact', 'ratio', 'active', 'at', 'payload', 'report'],
    [
      '1',
      "'=SUM(A1:A2)",
      '9223372036854775807',
      '-0.05',
      '0.000012345678901234567',
      '-12.5',
      'true',
      '2024-03-14T07:10:36.635Z',
      '{"n":9223372036854775807,"list":[1,"two",null,{"d":0.10000000000000000001}]}',
      '-12.50',
    ],
    [
      '-2',
      "'+1 555 0100",
      '-9007199254740993',
      '123456789012345678.90',
      '1',
      '0.1',
      'false',
      '2024-03-14T07:10:36.635123Z',
      '[]',
      `'=HYPERLINK("http://x")`,
    ],
    ['3', "'-minus", '42', '12.30', '-3.5', '3.141592653589793', null, null, '"just a string"', '7'],
    [
      '4',
      "'@handle",
      '-9223372036854775808',
      '0.00',
      null,
      '1e+21',
      'true',
      '1999-12-31T23:59:59.999Z',
      '{"nested":{"deeper":[true,false]}}',
      '9007199254740993',
    ],
    ['5', 'comma, "quotes"\nand a newline', '0', null, '100', '0', 'false', null, null, 'true'],
    ['6', 'unicode é 日本語 🎉', null, '-1.00', '2.5', null, null, null, '1', null],
    ['7', "'\tTAB first", '1', '5.55', null, '-0.5', null, null, null, "'@x"],
    ['8', '', null, null, null, null, null, null, null, ''],
    ['9', null, null, null, null, null, null, null, null, 'plain text'],
  ];

  it('reads back as the fixture, with neutralized formulas and exact digits', async () => {
    const text = await readFile(await exportFixture('csv'), 'utf8');
    const records = parseCsv(text, {
      cast: (value, context) => (value === '' && !context.quoting ? null : value),
    }) as (string | null)[][];
    expect(records).toEqual(expected);
  });

  it('is RFC 4180: CRLF records, quotes doubled, fields with separators quoted', async () => {
    const text = await readFile(join(dir, 'fixture.csv'), 'utf8');
    expect(text.startsWith('id,name,big,amount,exact,ratio,active,at,payload,report\r\n')).toBe(true);
    expect(text).toContain('\r\n5,"comma, ""quotes""\nand a newline",0,,100,0,false,,,true\r\n');
    expect(text).toContain('\r\n8,"",,,,,,,,""\r\n');
    expect(text.endsWith('\r\n')).toBe(true);
  });

  it('neutralizes a formula-like header', async () => {
    const stream = collect();
    await exportRows({ columns: [{ name: '=cmd' }], rows: fromArray([{ '=cmd': 1 }]), format: 'csv', output: stream.writable });
    expect(stream.text()).toBe("'=cmd\r\n1\r\n");
  });
});

describe('neutralizeFormula', () => {
  it('prefixes text starting with = + - @ TAB CR (and their full-width forms)', () => {
    for (const text of ['=1', '+1', '-a', '@a', '\ta', '\ra', '＝1', '＋1', '－1', '＠a']) {
      expect(neutralizeFormula(text)).toBe(`'${text}`);
    }
    expect(neutralizeFormula('a=1')).toBe('a=1');
    expect(neutralizeFormula('')).toBe('');
  });

  it('keeps number literals where numbers may stand, never in text columns', () => {
    expect(neutralizeFormula('-12.5', true)).toBe('-12.5');
    expect(neutralizeFormula('+1e5', true)).toBe('+1e5');
    expect(neutralizeFormula('-1+1', true)).toBe("'-1+1");
    expect(neutralizeFormula('-12.5')).toBe("'-12.5");
  });
});

describe('exactDouble', () => {
  it('accepts decimals whose double spells the same digits', () => {
    expect(exactDouble('12.30')).toBe(12.3);
    expect(exactDouble('-0.05')).toBe(-0.05);
    expect(exactDouble('0.00')).toBe(0);
    expect(exactDouble('-0.00')).toBe(0);
    expect(exactDouble('0.0000001')).toBe(1e-7);
    expect(exactDouble('9007199254740991')).toBe(9007199254740991);
  });

  it('refuses decimals a double would change', () => {
    expect(exactDouble('123456789012345678.90')).toBeUndefined();
    expect(exactDouble('0.000012345678901234567')).toBeUndefined();
    expect(exactDouble('9007199254740993')).toBeUndefined();
    expect(exactDouble('1e400')).toBeUndefined();
    expect(exactDouble('abc')).toBeUndefined();
    expect(exactDouble('.')).toBeUndefined();
  });
});

describe('XLSX', () => {
  const headers = columns.map((column) => column.name);
  const at = new Date('2024-03-14T07:10:36.635Z');
  // Numbers where a double holds the value; text with every digit where not;
  // text is not neutralized (cells are values, never formulas, in XLSX); an
  // empty string is an empty cell.
  const expected: unknown[][] = [
    [
      1,
      '=SUM(A1:A2)',
      '9223372036854775807',
      -0.05,
      '0.000012345678901234567',
      -12.5,
      true,
      at,
      '{"n":9223372036854775807,"list":[1,"two",null,{"d":0.10000000000000000001}]}',
      '-12.50',
    ],
    [-2, '+1 555 0100', '-9007199254740993', '123456789012345678.90', 1, 0.1, false, at, '[]', '=HYPERLINK("http://x")'],
    [3, '-minus', 42, 12.3, -3.5, Math.PI, null, null, '"just a string"', 7],
    [
      4,
      '@handle',
      '-9223372036854775808',
      0,
      null,
      1e21,
      true,
      new Date('1999-12-31T23:59:59.999Z'),
      '{"nested":{"deeper":[true,false]}}',
      '9007199254740993',
    ],
    [5, 'comma, "quotes"\nand a newline', 0, null, 100, 0, false, null, null, true],
    [6, 'unicode é 日本語 🎉', null, -1, 2.5, null, null, null, '1', null],
    [7, '\tTAB first', 1, 5.55, null, -0.5, null, null, null, '@x'],
    [8, null, null, null, null, null, null, null, null, null],
    [9, null, null, null, null, null, null, null, null, 'plain text'],
  ];

  let sheet: ExcelJS.Worksheet;
  beforeAll(async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(await exportFixture('xlsx'));
    expect(workbook.worksheets.map((worksheet) => worksheet.name)).toEqual(['items']);
    const first = workbook.worksheets[0];
    if (!first) throw new Error('no worksheet');
    sheet = first;
  });

  function cellValues(rowNumber: number): unknown[] {
    const row = sheet.getRow(rowNumber);
    return headers.map((_, index) => row.getCell(index + 1).value ?? null);
  }

  it('reads back as the fixture, with typed cells', () => {
    expect(sheet.rowCount).toBe(fixture.length + 1);
    expect(cellValues(1)).toEqual(headers);
    for (const [index, row] of expected.entries()) {
      expect(cellValues(index + 2), `row ${index + 2}`).toEqual(row);
    }
  });

  it('writes timestamps as date cells with a date-time format (milliseconds kept)', () => {
    const cell = sheet.getRow(3).getCell(headers.indexOf('at') + 1);
    expect(cell.type).toBe(ExcelJS.ValueType.Date);
    expect(cell.numFmt).toBe('yyyy-mm-dd hh:mm:ss');
    // Microseconds cannot survive a JavaScript Date; milliseconds do.
    expect((cell.value as Date).toISOString()).toBe('2024-03-14T07:10:36.635Z');
  });

  it('has a bold, frozen header and sized columns', () => {
    for (let column = 1; column <= headers.length; column += 1) {
      expect(sheet.getRow(1).getCell(column).font?.bold).toBe(true);
      expect(sheet.getRow(2).getCell(column).font?.bold).not.toBe(true);
    }
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const widths = headers.map((_, index) => sheet.getColumn(index + 1).width ?? 0);
    for (const width of widths) {
      expect(width).toBeGreaterThanOrEqual(8);
      expect(width).toBeLessThanOrEqual(60);
    }
    // `payload` holds long JSON, `active` only booleans.
    expect(widths[headers.indexOf('payload')]).toBeGreaterThan(widths[headers.indexOf('active')] ?? 0);
  });

  it('continues on a new worksheet, header repeated, past the rows-per-sheet limit', async () => {
    const path = join(dir, 'rollover.xlsx');
    const { FileSink } = await import('../src/export/file-sink.js');
    const sink = await FileSink.open(path);
    const rows = Array.from({ length: 7 }, (_, index) => ({ n: index }));
    expect(await writeXlsx([{ name: 'n', type: { kind: 'integer' } }], fromArray(rows), sink, { sheetName: 'Data', rowsPerSheet: 3 })).toBe(
      7,
    );
    await sink.close();
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path);
    expect(workbook.worksheets.map((worksheet) => worksheet.name)).toEqual(['Data', 'Data (2)', 'Data (3)']);
    expect(
      workbook.worksheets.map((worksheet) =>
        worksheet
          .getSheetValues()
          .slice(1)
          .map((row) => (row as unknown[])[1]),
      ),
    ).toEqual([
      ['n', 0, 1, 2],
      ['n', 3, 4, 5],
      ['n', 6],
    ]);
  });

  it('makes sheet names Excel accepts', () => {
    expect(sheetName('a/b:c[1]?*')).toBe('a_b_c_1___');
    expect(sheetName("'quoted'")).toBe('quoted');
    expect(sheetName('')).toBe('Sheet1');
    expect(sheetName('History')).toBe('History_');
    expect(sheetName('x'.repeat(40), ' (2)')).toBe(`${'x'.repeat(27)} (2)`);
  });
});

describe('JSON', () => {
  it('reads back with parseJson as the fixture, numbers exact', async () => {
    const text = await readFile(await exportFixture('json'), 'utf8');
    const parsed = parseJson(text) as Record<string, unknown>[];
    expect(parsed).toHaveLength(fixture.length);
    // parseJson gives plain numbers where a double holds the digits, bigint
    // for longer integers and LosslessNumber for longer decimals.
    const first = parsed[0];
    expect(first).toEqual({
      id: 1,
      name: '=SUM(A1:A2)',
      big: 9223372036854775807n,
      amount: -0.05,
      exact: new LosslessNumber('0.000012345678901234567'),
      ratio: -12.5,
      active: true,
      at: '2024-03-14T07:10:36.635Z',
      payload: { n: 9223372036854775807n, list: [1, 'two', null, { d: new LosslessNumber('0.10000000000000000001') }] },
      report: '-12.50',
    });
    expect(parsed[1]).toMatchObject({
      big: -9007199254740993n,
      amount: new LosslessNumber('123456789012345678.90'),
      at: '2024-03-14T07:10:36.635123Z',
    });
    expect(parsed[3]).toMatchObject({ big: -9223372036854775808n, amount: 0, report: 9007199254740993n });
    for (const [index, row] of fixture.entries()) {
      // Every other value reads back as written.
      const { big: _big, amount: _amount, exact: _exact, ratio: _ratio, payload: _payload, report: _report, ...plain } = row;
      expect(parsed[index], `row ${index}`).toMatchObject(plain);
    }
    // 1e21 is written `1e+21`, which parseJson leaves a LosslessNumber.
    expect(parsed.map((row) => (row.ratio === null ? null : Number(String(row.ratio))))).toEqual(fixture.map((row) => row.ratio));
  });

  it('writes the exact digits of decimals and bigints, one object per line', async () => {
    const text = await readFile(join(dir, 'fixture.json'), 'utf8');
    const lines = text.split('\n');
    expect(lines[0]).toBe('[');
    expect(lines.at(-2)).toBe(']');
    expect(lines.at(-1)).toBe('');
    expect(lines).toHaveLength(fixture.length + 3);
    expect(lines[1]?.endsWith('},')).toBe(true);
    expect(text).toContain('"big":9223372036854775807,"amount":-0.05,"exact":0.000012345678901234567');
    expect(text).toContain('"amount":123456789012345678.90');
    expect(text).toContain('"amount":12.30');
    expect(text).toContain('"report":9007199254740993}');
  });

  it('writes [] for no rows', async () => {
    const stream = collect();
    expect(await exportRows({ columns, rows: fromArray([]), format: 'json', output: stream.writable })).toEqual({ rows: 0 });
    expect(stream.text()).toBe('[]\n');
  });
});

// ---------------------------------------------------------------------------

/** A writable that keeps what it is given; never ended by the exporter. */
function collect(): { writable: Writable; buffer: () => Buffer; text: () => string } {
  const chunks: Buffer[] = [];
  const writable = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  return { writable, buffer: () => Buffer.concat(chunks), text: () => Buffer.concat(chunks).toString('utf8') };
}

/**
 * @param onRow called as each row is read; returning `false` ends the rows there
 * @param noise random text, which compresses poorly (so XLSX's zip buffers hold few rows)
 */
async function* generated(count: number, onRow?: (index: number) => unknown, noise = false): AsyncGenerator<Row> {
  for (let index = 0; index < count; index += 1) {
    if (onRow?.(index) === false) return;
    yield {
      id: index,
      name: noise ? `${Math.random().toString(36)} ${Math.random().toString(36)}` : `name ${index}, with a comma`,
      big: BigInt(index) * 1_000_000_007n,
      amount: `${index}.${String(index % 100).padStart(2, '0')}`,
      at: '2024-03-14T07:10:36.635Z',
      active: index % 2 === 0,
    };
  }
}

const bigColumns: readonly ExportColumn[] = [
  { name: 'id', type: { kind: 'integer' } },
  { name: 'name', type: { kind: 'text' } },
  { name: 'big', type: { kind: 'bigint' } },
  { name: 'amount', type: { kind: 'decimal', precision: 20, scale: 2 } },
  { name: 'at', type: { kind: 'timestamp' } },
  { name: 'active', type: { kind: 'boolean' } },
];

describe('streaming', () => {
  it.each(exportFormats)('%s: 200,000 rows with flat memory', async (format) => {
    const total = 200_000;
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    const path = join(dir, `big.${format}`);
    const result = await exportRows({
      columns: bigColumns,
      rows: generated(total, (index) => {
        if (index % 5_000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
      }),
      format,
      output: path,
    });
    expect(result).toEqual({ rows: total });
    expect(peak - before).toBeLessThan(60 * 1024 * 1024);
    if (format === 'csv') {
      const text = await readFile(path, 'utf8');
      expect(text.split('\r\n')).toHaveLength(total + 2);
      expect(text).toContain('\r\n199999,"name 199999, with a comma",199999001399993,199999.99,2024-03-14T07:10:36.635Z,false\r\n');
    }
    if (format === 'json') {
      const parsed = parseJson(await readFile(path, 'utf8')) as unknown[];
      expect(parsed).toHaveLength(total);
    }
    await rm(path);
  });

  it.each(exportFormats)('%s: stops reading rows while the output is stalled', async (format) => {
    // An output that takes nothing until released: the row source must stop
    // being read soon — however many rows it has — not race ahead into memory.
    let stalled = true;
    const pending: (() => void)[] = [];
    let bytes = 0;
    const output = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _encoding, callback) {
        bytes += chunk.length;
        if (stalled) pending.push(callback);
        else callback();
      },
    });
    let pulled = 0;
    let more = true;
    const rows = generated(
      1_000_000,
      () => {
        if (!more) return false;
        pulled += 1;
        return true;
      },
      true,
    );
    const exporting = exportRows({ columns: bigColumns, rows, format, output });

    let last = -1;
    while (pulled !== last) {
      last = pulled;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // CSV and JSON hold ~64 KiB of text; XLSX holds the zip's buffers (~2 MiB
    // of compressed XML).
    expect(pulled).toBeLessThan(format === 'xlsx' ? 100_000 : 5_000);
    expect(bytes).toBeLessThan(256 * 1024);

    // Release the output and end the rows where they are.
    more = false;
    stalled = false;
    for (const callback of pending.splice(0)) callback();
    expect(await exporting).toEqual({ rows: pulled });
    expect(output.writableEnded).toBe(false);
  });
});

describe('failures and outputs', () => {
  it.each(exportFormats)('%s: a failing row source leaves no file and rejects with its error', async (format) => {
    const failDir = await mkdtemp(join(dir, `fail-${format}-`));
    const path = join(failDir, `out.${format}`);
    const boom = new Error('source failed');
    async function* failing(): AsyncGenerator<Row> {
      yield* generated(1_500);
      throw boom;
    }
    await expect(exportRows({ columns: bigColumns, rows: failing(), format, output: path })).rejects.toBe(boom);
    expect(await readdir(failDir)).toEqual([]);
  });

  it.each(exportFormats)('%s: a failed export leaves the previous file untouched', async (format) => {
    const path = join(dir, `keep.${format}`);
    await writeFile(path, 'previous export');
    async function* failing(): AsyncGenerator<Row> {
      yield { id: 1 };
      throw new Error('source failed');
    }
    await expect(exportRows({ columns: bigColumns, rows: failing(), format, output: path })).rejects.toThrow('source failed');
    expect(await readFile(path, 'utf8')).toBe('previous export');
  });

  it('stops reading the row source when the export fails', async () => {
    let finished = false;
    async function* rows(): AsyncGenerator<Row> {
      try {
        yield* generated(1_000_000);
      } finally {
        finished = true;
      }
    }
    for (const format of exportFormats) {
      const output = new Writable({
        write(_chunk, _encoding, callback) {
          callback(new Error('disk full'));
        },
      });
      output.on('error', () => undefined);
      finished = false;
      await expect(exportRows({ columns: bigColumns, rows: rows(), format, output }), format).rejects.toThrow('disk full');
      expect(finished, format).toBe(true);
    }
  });

  it('writes to a stream, leaving it open, the same bytes as to a file', async () => {
    for (const format of ['csv', 'json'] as const) {
      const stream = collect();
      expect(await exportRows({ columns, rows: fromArray(fixture), format, output: stream.writable })).toEqual({ rows: fixture.length });
      expect(stream.writable.writableEnded).toBe(false);
      expect(stream.text()).toBe(await readFile(join(dir, `fixture.${format}`), 'utf8'));
    }
    const stream = collect();
    await exportRows({ columns, rows: fromArray(fixture), format: 'xlsx', output: stream.writable, sheetName: 'from a stream' });
    const workbook = new ExcelJS.Workbook();
    // exceljs types its input as its own ArrayBuffer-like `Buffer`; a Node Buffer is accepted.
    await workbook.xlsx.load(stream.buffer() as unknown as ArrayBuffer);
    expect(workbook.worksheets[0]?.name).toBe('from a stream');
    expect(workbook.worksheets[0]?.rowCount).toBe(fixture.length + 1);
  });

  it('writes the header alone when there are no rows', async () => {
    const csv = collect();
    expect(await exportRows({ columns, rows: fromArray([]), format: 'csv', output: csv.writable })).toEqual({ rows: 0 });
    expect(csv.text()).toBe('id,name,big,amount,exact,ratio,active,at,payload,report\r\n');
    const xlsx = collect();
    await exportRows({ columns, rows: fromArray([]), format: 'xlsx', output: xlsx.writable });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.buffer() as unknown as ArrayBuffer);
    expect(workbook.worksheets[0]?.name).toBe('Sheet1');
    expect(workbook.worksheets[0]?.getRow(1).values).toEqual([undefined, ...columns.map((column) => column.name)]);
    expect(workbook.worksheets[0]?.rowCount).toBe(1);
  });

  it('rejects an unknown format before touching the output', async () => {
    const path = join(dir, 'unknown.txt');
    await expect(exportRows({ columns, rows: fromArray(fixture), format: 'txt' as ExportFormat, output: path })).rejects.toThrow(
      'unknown export format "txt"',
    );
    await expect(readFile(path)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('does not pile up listeners on a stream used for many exports', async () => {
    const output = new PassThrough();
    output.resume();
    for (let index = 0; index < 15; index += 1) {
      await exportRows({ columns, rows: fromArray(fixture), format: 'csv', output });
    }
    expect(output.listenerCount('error')).toBe(0);
    expect(output.listenerCount('drain')).toBe(0);
  });

  it('StreamSink reports an error of the last write', async () => {
    const output = new Writable({
      write(_chunk, _encoding, callback) {
        setImmediate(() => callback(new Error('late failure')));
      },
    });
    output.on('error', () => undefined);
    const sink = new StreamSink(output);
    await sink.write('tail');
    await expect(sink.close()).rejects.toThrow('late failure');
  });
});
