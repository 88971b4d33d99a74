// The shortcuts coercion takes for the common spellings (a plain decimal, a
// canonical timestamp) must answer exactly what the general path answers,
// for every input: generated texts compared with the general path itself.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDecimal, formatPlainDecimal, integerDigits, parseDecimalText, roundDecimal } from '../src/store/decimal-text.js';
import { coerceValue } from '../src/store/index.js';
import { normalizeTimestampText } from '../src/store/timestamp-text.js';

const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });

/** What roundDecimal + formatDecimal make of a text, or undefined when it needs more integer digits. */
function general(text: string, scale: number, maxIntegerDigits: number): string | undefined {
  const decimal = parseDecimalText(text);
  if (!decimal) return undefined;
  const rounded = roundDecimal(decimal, scale);
  return integerDigits(rounded) > maxIntegerDigits ? undefined : formatDecimal(rounded);
}

describe('formatPlainDecimal', () => {
  it('rounds plain texts exactly as the general path, refusing what does not fit', () => {
    const plain = fc
      .tuple(
        fc.boolean(),
        fc.oneof(
          fc.constant('0'),
          digits(1, 12).map((d) => `1${d}`),
        ),
        fc.option(digits(1, 12)),
      )
      .map(([negative, whole, fraction]) => `${negative ? '-' : ''}${whole}${fraction === null ? '' : `.${fraction}`}`);
    fc.assert(
      fc.property(plain, fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 14 }), (text, scale, maxIntegerDigits) => {
        expect(formatPlainDecimal(text, scale, maxIntegerDigits)).toBe(general(text, scale, maxIntegerDigits));
      }),
      { numRuns: 5000 },
    );
  });

  it('leaves every other spelling to the general path', () => {
    for (const text of ['+1.5', '01.5', '00', '.5', '5.', '1e5', '1.5e-3', '-', '', ' 1', '1.2.3', '0x10', 'NaN', '-.5', '1,5']) {
      expect(formatPlainDecimal(text, 2, 10), text).toBeUndefined();
    }
  });

  it('carries a rounding through every nine, and never writes -0', () => {
    expect(formatPlainDecimal('9.995', 2, 2)).toBe('10.00');
    expect(formatPlainDecimal('9.995', 2, 1)).toBeUndefined();
    expect(formatPlainDecimal('-0.004', 2, 1)).toBe('0.00');
    expect(formatPlainDecimal('-0.005', 2, 1)).toBe('-0.01');
    expect(formatPlainDecimal('0.999995', 5, 0)).toBeUndefined();
  });

  it('gives decimal columns the shortest digits of a double, rounded half away from zero', () => {
    const where = { table: 't', column: 'c' };
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }),
        fc.integer({ min: 0, max: 6 }),
        (value, scale) => {
          const expected = formatDecimal(roundDecimal(parseDecimalText(String(value))!, scale));
          expect(coerceValue(value, { kind: 'decimal', precision: 20, scale }, where)).toBe(expected);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('rounds a double written with a 5 just past the scale by its digits, not by its binary value', () => {
    const where = { table: 't', column: 'c' };
    // 1.005 is 1.00499999999999989… in binary: toFixed(2) says 1.00, the digits the API sent say 1.01.
    expect(coerceValue(1.005, { kind: 'decimal', precision: 10, scale: 2 }, where)).toBe('1.01');
    expect(coerceValue(-1.005, { kind: 'decimal', precision: 10, scale: 2 }, where)).toBe('-1.01');
    expect(coerceValue(-0.004, { kind: 'decimal', precision: 10, scale: 2 }, where)).toBe('0.00');
    expect(coerceValue(-0.4, { kind: 'decimal', precision: 10, scale: 0 }, where)).toBe('0');
    const tie = fc
      .tuple(fc.boolean(), fc.nat({ max: 10 ** 9 }), fc.integer({ min: 0, max: 6 }), digits(0, 6))
      .map(([negative, whole, scale, fraction]) => {
        const padded = fraction.padEnd(scale, '0').slice(0, scale);
        return { text: `${negative ? '-' : ''}${whole}.${padded}5`, scale };
      });
    fc.assert(
      fc.property(tie, ({ text, scale }) => {
        const value = Number(text);
        const expected = formatDecimal(roundDecimal(parseDecimalText(String(value))!, scale));
        expect(coerceValue(value, { kind: 'decimal', precision: 20, scale }, where)).toBe(expected);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('normalizeTimestampText on the canonical form', () => {
  const MIN = Date.parse('0001-01-01T00:00:00.000Z');
  const MAX = Date.parse('9999-12-31T23:59:59.999Z');
  /** The form is kept when it names a real instant in the years 1–9999, as a Date round trip says. */
  const valid = (text: string): boolean => {
    const time = Date.parse(text);
    return time >= MIN && time <= MAX && new Date(time).toISOString() === text;
  };
  const pad = (value: number, width: number): string => String(value).padStart(width, '0');

  it('keeps a real instant as it is and refuses impossible fields', () => {
    const text = fc
      .tuple(
        fc.constantFrom(0, 1, 1900, 2000, 2023, 2024, 9999),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        fc.integer({ min: 0, max: 25 }),
        fc.integer({ min: 0, max: 61 }),
        fc.integer({ min: 0, max: 61 }),
        fc.integer({ min: 0, max: 999 }),
      )
      .map(([y, mo, d, h, mi, s, ms]) => `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}.${pad(ms, 3)}Z`);
    fc.assert(
      fc.property(text, (candidate) => {
        const result = normalizeTimestampText(candidate);
        if (valid(candidate)) expect(result).toBe(candidate);
        else expect(result).not.toBe(candidate);
      }),
      { numRuns: 5000 },
    );
    expect(normalizeTimestampText('2024-02-29T12:00:00.000Z')).toBe('2024-02-29T12:00:00.000Z');
    expect(normalizeTimestampText('2023-02-29T12:00:00.000Z')).toBeUndefined();
    expect(normalizeTimestampText('2023-06-01T24:00:00.000Z')).toBe('2023-06-02T00:00:00.000Z');
    expect(normalizeTimestampText('2023-06-01 12:00:00.000Z')).toBe('2023-06-01T12:00:00.000Z');
  });
});
