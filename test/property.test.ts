import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { CoercionError, parseJson } from 'siphon-sync';
import type { ExportColumn } from 'siphon-sync/export';
import { type ColumnType, openStore, type Row, type Store, type TableDef } from 'siphon-sync/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableRows } from './helpers/async.js';
import { createTestDatabase, dialects, type TestDatabase } from './helpers/databases.js';
import { hasFraction, literalExponent, numberValue, roundedInteger } from './helpers/exact-number.js';
import { excelText, exportToBuffer, readCsvStrictly } from './helpers/strict-csv.js';

// Properties of values, over generated inputs: any JSON number the API can
// send reaches a decimal, bigint, text or json column exactly (bigint: one
// with a fraction is refused) or fails with a CoercionError; any string reaches a text or
// json column exactly or is refused where the database cannot hold it (NUL in
// PostgreSQL, half a surrogate pair); any string survives CSV, XLSX and JSON
// exports and reads back the same. SIPHON_PROPERTY_RUNS raises the
// number of runs (e.g. 10000 for a long search); the defaults keep the file fast.

const RUNS = Number(process.env.SIPHON_PROPERTY_RUNS) || undefined;
const runs = (fast: number): fc.Parameters<unknown> => ({ numRuns: RUNS ?? fast });

const digit = fc.constantFrom(...'0123456789');
const digits = (minLength: number, maxLength: number) => fc.string({ unit: digit, minLength, maxLength });

/** JSON number text: any sign, integer part, fraction and exponent, up to exponents past every limit. */
const jsonNumber: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: generatedNumber() },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '1e-400',
      '1e400',
      '-0',
      '0e5000',
      '9007199254740993',
      '9223372036854775807',
      '-9223372036854775808',
      '9223372036854775808',
      '0.1',
      '1.7976931348623157e308',
      '1.8e308',
      '4.9e-324',
      '2e-324',
      '2.5',
      '-2.5',
      '1E+2',
      '123456789012345.6',
    ),
  },
);

function generatedNumber(): fc.Arbitrary<string> {
  const whole = fc.oneof(
    fc.constant('0'),
    fc.tuple(fc.constantFrom(...'123456789'), digits(0, 30)).map(([first, rest]) => first + rest),
  );
  const fraction = fc.option(digits(1, 30), { nil: undefined });
  const exponent = fc.option(
    fc.tuple(
      fc.constantFrom('e', 'E'),
      fc.constantFrom('', '+', '-'),
      fc.oneof(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 1100 })),
    ),
    { nil: undefined },
  );
  return fc
    .tuple(fc.boolean(), whole, fraction, exponent)
    .map(
      ([negative, integer, decimals, power]) =>
        `${negative ? '-' : ''}${integer}${decimals === undefined ? '' : `.${decimals}`}${power === undefined ? '' : power.join('')}`,
    );
}

describe('property: JSON numbers parse exactly', () => {
  it('the parsed value equals the literal, alone or beside anything else', () => {
    fc.assert(
      fc.property(jsonNumber, fc.boolean(), (text, crowded) => {
        const body = crowded ? `{"id": "3e4f", "n": ${text}, "other": [1, 2.5, 12345678901234567890]}` : `[${text}]`;
        const parsed = parseJson(body);
        const value = crowded ? (parsed as { n: unknown }).n : (parsed as unknown[])[0];
        expect(numberValue(value)).toBe(numberValue(text));
      }),
      runs(500),
    );
  });
});

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

describe.each(dialects)('property: JSON numbers stored exactly or refused (%s)', (dialect) => {
  let db: TestDatabase;
  let store: Store;
  const tables = new Map<string, { table: TableDef; runId: number }>();
  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    store = await openStore(db.url);
    await store.init();
    const types: Record<string, ColumnType> = {
      decimal: { kind: 'decimal', precision: 0, scale: 0 },
      bigint: { kind: 'bigint' },
      text: { kind: 'text' },
      json: { kind: 'json' },
    };
    for (const [name, type] of Object.entries(types)) {
      const table: TableDef = {
        name: `numbers_${name}`,
        primaryKey: ['id'],
        columns: [
          { name: 'id', type: { kind: 'integer' } },
          { name: 'v', type },
        ],
      };
      await store.ensureTable(table);
      // One run takes every write: a batch that fails leaves it as it was.
      const run = await store.runs.start({ resource: `property.${name}`, trigger: 'manual' });
      tables.set(name, { table, runId: run.id });
    }
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  /** Writes `value` into the one row of the table for `kind`; what it reads back, or the CoercionError. */
  async function roundTrip(kind: string, value: unknown): Promise<{ stored: unknown } | { error: CoercionError }> {
    const target = tables.get(kind);
    if (!target) throw new Error(kind);
    const { table, runId } = target;
    const rows: Row[] = [{ id: 1, v: value }];
    try {
      await store.writeBatch({ runId, table, mode: 'merge', rows, checkpoint: null, pages: 1, records: 1, retries: 0, waitedMs: 0 });
    } catch (error) {
      if (error instanceof CoercionError) return { error };
      throw error;
    }
    const [row] = await tableRows(store, table.name);
    return { stored: row?.v };
  }

  it('decimal, bigint, text and json columns keep the number the API sent', async () => {
    await fc.assert(
      fc.asyncProperty(jsonNumber, async (text) => {
        const value = (parseJson(`[${text}]`) as unknown[])[0];
        const beyondExponents = Math.abs(literalExponent(text)) > 1000;

        const decimal = await roundTrip('decimal', value);
        if ('error' in decimal) expect(beyondExponents, `${text} into decimal: ${decimal.error.message}`).toBe(true);
        else expect(numberValue(decimal.stored), `${text} into decimal`).toBe(numberValue(text));

        const bigint = await roundTrip('bigint', value);
        if ('error' in bigint) {
          // Refused only with a reason: a fraction (rounding would change the value), or out of range.
          const rounded = beyondExponents ? undefined : roundedInteger(text);
          const refusable = rounded === undefined || rounded < INT64_MIN || rounded > INT64_MAX || hasFraction(text);
          expect(refusable, `${text} into bigint: ${bigint.error.message}`).toBe(true);
        } else {
          expect(hasFraction(text), `${text} into bigint was stored though it has a fraction`).toBe(false);
          expect(bigint.stored, `${text} into bigint`).toBe(roundedInteger(text));
        }

        const text_ = await roundTrip('text', value);
        expect('stored' in text_ && numberValue(text_.stored), `${text} into text`).toBe(numberValue(text));

        const json = await roundTrip('json', [value]);
        if ('error' in json) expect(beyondExponents, `${text} into json: ${json.error.message}`).toBe(true);
        else expect(numberValue((json.stored as unknown[])[0]), `${text} into json`).toBe(numberValue(text));
      }),
      runs(dialect === 'sqlite' ? 100 : 30),
    );
  });
});

describe.each(dialects)('property: strings stored exactly or refused (%s)', (dialect) => {
  let db: TestDatabase;
  let store: Store;
  const tables = new Map<string, { table: TableDef; runId: number }>();
  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    store = await openStore(db.url);
    await store.init();
    for (const kind of ['text', 'json'] as const) {
      const table: TableDef = {
        name: `strings_${kind}`,
        primaryKey: ['id'],
        columns: [
          { name: 'id', type: { kind: 'integer' } },
          { name: 'v', type: { kind } },
        ],
      };
      await store.ensureTable(table);
      const run = await store.runs.start({ resource: `property.${kind}`, trigger: 'manual' });
      tables.set(kind, { table, runId: run.id });
    }
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  const halves = fc.constantFrom('\uD800', '\uDBFF', '\uDC00', '\uDFFF');
  const anyText = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 30 }),
    fc.string({ unit: fc.oneof(fc.constantFrom('\u0000', '\\', '"', '\r', '\n', 'a', '😀', '\\u0000'), halves), maxLength: 12 }),
  );
  const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

  it('text and json columns give back the string, or refuse it where the database cannot hold it', async () => {
    await fc.assert(
      fc.asyncProperty(anyText, async (value) => {
        const nul = value.includes('\u0000');
        const lone = LONE.test(value);
        for (const kind of ['text', 'json'] as const) {
          const target = tables.get(kind);
          if (!target) throw new Error(kind);
          const stored = kind === 'json' ? { s: value } : value;
          const allowed = dialect === 'sqlite' ? !(kind === 'text' && lone) : !nul && !lone;
          let error: unknown;
          try {
            await store.writeBatch({
              runId: target.runId,
              table: target.table,
              mode: 'merge',
              rows: [{ id: 1, v: stored }],
              checkpoint: null,
              pages: 1,
              records: 1,
              retries: 0,
              waitedMs: 0,
            });
          } catch (caught) {
            error = caught;
          }
          if (!allowed) {
            expect(error, `${JSON.stringify(value)} into ${kind}`).toBeInstanceOf(CoercionError);
            continue;
          }
          expect(error, `${JSON.stringify(value)} into ${kind}`).toBeUndefined();
          const [row] = await tableRows(store, target.table.name);
          expect(row?.v, `${JSON.stringify(value)} into ${kind}`).toEqual(stored);
        }
      }),
      runs(dialect === 'sqlite' ? 150 : 30),
    );
  });
});

describe('property: strings survive exports', () => {
  const special = fc.constantFrom(
    '\r',
    '\n',
    '\r\n',
    '\u0000',
    '"',
    "'",
    ',',
    ';',
    '=',
    '+',
    '-',
    '@',
    '\t',
    ' ',
    '\\',
    'é',
    '😀',
    '\uFEFF',
    '\u2028',
  );
  const text = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ unit: fc.oneof(special, fc.constantFrom('a', 'Z', '1')), maxLength: 20 }),
  );
  const columns: readonly ExportColumn[] = [
    { name: 'id', type: { kind: 'integer' } },
    { name: 's', type: { kind: 'text' } },
  ];
  // A cell a spreadsheet would run as a formula gets a leading quote (see the README's exports).
  const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

  it('CSV: read back strictly, every string is its cell (formula starts behind a quote)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(text, { minLength: 1, maxLength: 5 }), async (strings) => {
        const rows = strings.map((s, index) => ({ id: index + 1, s }));
        const records = readCsvStrictly((await exportToBuffer('csv', columns, rows)).toString('utf8'));
        expect(records.slice(1).map((record) => record[1])).toEqual(strings.map((s) => (FORMULA_START.test(s) ? `'${s}` : s)));
      }),
      runs(300),
    );
  });

  it('JSON: parsed back, every string is itself', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(text, { minLength: 1, maxLength: 5 }), async (strings) => {
        const rows = strings.map((s, index) => ({ id: index + 1, s }));
        const parsed = parseJson((await exportToBuffer('json', columns, rows)).toString('utf8')) as { s: string }[];
        expect(parsed.map((row) => row.s)).toEqual(strings);
      }),
      runs(300),
    );
  });

  it('XLSX: read back as Excel decodes it, every string is its cell (empty is no cell)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(text, { minLength: 1, maxLength: 5 }), async (strings) => {
        const rows = strings.map((s, index) => ({ id: index + 1, s }));
        const workbook = new ExcelJS.Workbook();
        await workbook.xlsx.load((await exportToBuffer('xlsx', columns, rows)) as unknown as ArrayBuffer);
        const sheet = workbook.worksheets[0];
        const cells = strings.map((_, index) => excelText(sheet?.getRow(index + 2).getCell(2).value ?? null));
        expect(cells).toEqual(strings.map((s) => (s === '' ? null : s)));
      }),
      runs(40),
    );
  });
});
