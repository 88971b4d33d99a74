import { scalarText } from './scalar-text.js';

/**
 * Comparisons of record values with values written in a config, exact on
 * numbers whatever form they come in: a `number`, a `bigint`, a
 * `LosslessNumber` (the digits the API sent) or a decimal string
 * (`"12.50"`). Numbers are compared as decimals, never through a double, so
 * `12345678901234567891` is not equal to `12345678901234567890`.
 */

/** A decimal as sign, integer digits and fraction digits, without leading or trailing zeros. */
interface Decimal {
  readonly negative: boolean;
  readonly int: string;
  readonly frac: string;
}

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$|^([+-]?)\.(\d+)(?:[eE]([+-]?\d+))?$/;

function parseDecimal(text: string): Decimal | undefined {
  const match = DECIMAL.exec(text.trim());
  if (!match) return undefined;
  const sign = match[1] ?? match[5] ?? '';
  let int = match[2] ?? '0';
  let frac = match[3] ?? match[6] ?? '';
  const exponent = Number(match[4] ?? match[7] ?? '0');
  if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > 10_000) return undefined;
  if (exponent > 0) {
    const moved = frac.padEnd(exponent, '0');
    int += moved.slice(0, exponent);
    frac = moved.slice(exponent);
  } else if (exponent < 0) {
    const moved = int.padStart(-exponent + 1, '0');
    frac = moved.slice(moved.length + exponent) + frac;
    int = moved.slice(0, moved.length + exponent);
  }
  int = int.replace(/^0+/, '');
  frac = frac.replace(/0+$/, '');
  const zero = int === '' && frac === '';
  return { negative: sign === '-' && !zero, int, frac };
}

/** The value as a decimal when it is a JSON number in any of its forms (a string only when `strings`). */
function numeric(value: unknown, strings: boolean): Decimal | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? parseDecimal(String(value)) : undefined;
  if (typeof value === 'bigint') return parseDecimal(value.toString());
  if (typeof value === 'string') return strings ? parseDecimal(value) : undefined;
  const digits = scalarText(value);
  return digits === undefined ? undefined : parseDecimal(digits);
}

function compareMagnitude(a: Decimal, b: Decimal): number {
  if (a.int.length !== b.int.length) return a.int.length < b.int.length ? -1 : 1;
  if (a.int !== b.int) return a.int < b.int ? -1 : 1;
  const width = Math.max(a.frac.length, b.frac.length);
  const fa = a.frac.padEnd(width, '0');
  const fb = b.frac.padEnd(width, '0');
  return fa === fb ? 0 : fa < fb ? -1 : 1;
}

function compareDecimals(a: Decimal, b: Decimal): number {
  if (a.negative !== b.negative) return a.negative ? -1 : 1;
  const magnitude = compareMagnitude(a, b);
  return a.negative ? -magnitude : magnitude;
}

/**
 * The order of `value` (from a record) against `expected` (from the config):
 * negative, 0 or positive, or `undefined` when they cannot be compared (a
 * boolean against a number, an object, a missing value). When either side is
 * a JSON number, both are compared as decimals (a decimal string on the other
 * side included); two strings compare by code points, which orders ISO 8601
 * timestamps of one format in time.
 */
export function compareValues(value: unknown, expected: unknown): number | undefined {
  const isNumber = (v: unknown): boolean => typeof v === 'number' || typeof v === 'bigint' || numeric(v, false) !== undefined;
  if (isNumber(value) || isNumber(expected)) {
    const a = numeric(value, true);
    const b = numeric(expected, true);
    return a === undefined || b === undefined ? undefined : compareDecimals(a, b);
  }
  if (typeof value === 'string' && typeof expected === 'string') return value === expected ? 0 : value < expected ? -1 : 1;
  if (typeof value === 'boolean' && typeof expected === 'boolean') return value === expected ? 0 : value ? 1 : -1;
  if (value === null && expected === null) return 0;
  return undefined;
}

/** Whether `value` equals `expected` exactly (see {@link compareValues}). */
export function sameValue(value: unknown, expected: unknown): boolean {
  return compareValues(value, expected) === 0;
}
