/**
 * Exact decimal arithmetic on digit strings: just enough to store API
 * numbers in `decimal(p,s)` columns the way PostgreSQL's `numeric` would,
 * without a double ever touching the digits.
 */

/** `(negative ? -1 : 1) × digits × 10^-scale`. */
export interface DecimalText {
  readonly negative: boolean;
  /** Coefficient digits without leading zeros; `'0'` for zero. */
  readonly digits: string;
  /** Digits after the point; negative when zeros are implied after the coefficient (`1e3` → `'1'`, -3). */
  readonly scale: number;
}

// PostgreSQL refuses numeric literals whose exponent exceeds its maximum
// precision; refusing them here too keeps both dialects in agreement and
// keeps a hostile `1e999999999` from expanding into a gigabyte of zeros.
export const MAX_EXPONENT = 1000;

const ZERO = 48;
const NINE = 57;
const isDigit = (code: number): boolean => code >= ZERO && code <= NINE;

/**
 * Parses `-12.5`, `+.5`, `5.`, `1.5e-7`, `007`; `undefined` for anything
 * else (`NaN`, `0x1f`, `''`, `1e5000`). A scanner rather than a regular
 * expression: it runs for every decimal value a sync writes.
 */
export function parseDecimalText(text: string): DecimalText | undefined {
  const length = text.length;
  let index = 0;
  let negative = false;
  const sign = text.charCodeAt(0);
  if (sign === 45 /* - */ || sign === 43 /* + */) {
    negative = sign === 45;
    index = 1;
  }
  const wholeStart = index;
  while (index < length && isDigit(text.charCodeAt(index))) index += 1;
  const wholeEnd = index;
  let fractionStart = index;
  let fractionEnd = index;
  if (text.charCodeAt(index) === 46 /* . */) {
    fractionStart = index + 1;
    index = fractionStart;
    while (index < length && isDigit(text.charCodeAt(index))) index += 1;
    fractionEnd = index;
  }
  if (wholeEnd === wholeStart && fractionEnd === fractionStart) return undefined;
  let exponent = 0;
  const e = text.charCodeAt(index);
  if (e === 101 /* e */ || e === 69 /* E */) {
    const match = /^[+-]?\d{1,6}$/.exec(text.slice(index + 1));
    if (!match) return undefined;
    exponent = Number(match[0]);
    index = length;
  }
  if (index !== length || Math.abs(exponent) > MAX_EXPONENT) return undefined;
  const digits = stripLeadingZeros(text.slice(wholeStart, wholeEnd) + text.slice(fractionStart, fractionEnd));
  return { negative: negative && digits !== '0', digits, scale: fractionEnd - fractionStart - exponent };
}

/**
 * The common case of {@link roundDecimal} + {@link formatDecimal} without
 * building a {@link DecimalText}: `text` in plain notation (`-12.345`, no
 * exponent, sign `+` or leading zeros) rounded half away from zero to
 * `scale` digits, or `undefined` when the text is not plain or the result
 * needs more than `maxIntegerDigits` before the point (the general path then
 * decides, and explains a refusal). Called for every decimal value a sync writes.
 */
export function formatPlainDecimal(text: string, scale: number, maxIntegerDigits: number): string | undefined {
  const length = text.length;
  const negative = text.charCodeAt(0) === 45; /* - */
  const start = negative ? 1 : 0;
  let dot = start;
  while (dot < length && isDigit(text.charCodeAt(dot))) dot += 1;
  const wholeDigits = dot - start;
  // `0` alone or no leading zero: the whole part is already canonical.
  if (wholeDigits === 0 || (wholeDigits > 1 && text.charCodeAt(start) === ZERO)) return undefined;
  if (dot < length) {
    if (text.charCodeAt(dot) !== 46 /* . */ || dot + 1 === length) return undefined;
    for (let index = dot + 1; index < length; index += 1) if (!isDigit(text.charCodeAt(index))) return undefined;
  }
  const fractionDigits = dot < length ? length - dot - 1 : 0;
  const zeroWhole = wholeDigits === 1 && text.charCodeAt(start) === ZERO;
  if (fractionDigits > scale && text.charCodeAt(dot + 1 + scale) >= 53 /* '5' */) {
    // Rounding up may carry into the whole part: the one case worth building digits for.
    const digits = increment(text.slice(start, dot) + text.slice(dot + 1, dot + 1 + scale));
    const whole = digits.length - scale;
    if (whole > maxIntegerDigits && !(whole === 1 && digits.charCodeAt(0) === ZERO)) return undefined;
    const body = scale === 0 ? digits : `${digits.slice(0, whole)}.${digits.slice(whole)}`;
    return negative ? `-${body}` : body;
  }
  if (wholeDigits > maxIntegerDigits && !zeroWhole) return undefined;
  // Cut (rounding down) or padded with zeros: the text itself, without building digits.
  let result: string;
  if (fractionDigits > scale) result = text.slice(0, scale === 0 ? dot : dot + 1 + scale);
  else if (scale === 0) result = text;
  else result = (fractionDigits === 0 ? `${text}.` : text) + zeros(scale - fractionDigits);
  // Rounded to zero: never `-0.00`, as PostgreSQL prints it.
  return negative && zeroWhole && isZeroDigits(result, dot + 1) ? result.slice(1) : result;
}

const ZEROS = Array.from({ length: 32 }, (_, count) => '0'.repeat(count));
const zeros = (count: number): string => ZEROS[count] ?? '0'.repeat(count);

/** Whether `text` has only zeros from `from` on. */
function isZeroDigits(text: string, from: number): boolean {
  for (let index = from; index < text.length; index += 1) if (text.charCodeAt(index) !== ZERO) return false;
  return true;
}

/** A finite number's shortest round-trip digits (`0.1` → `'0.1'`, not the double's binary expansion). */
export function decimalFromNumber(value: number): DecimalText | undefined {
  return Number.isFinite(value) ? parseDecimalText(String(value)) : undefined;
}

export function decimalFromBigInt(value: bigint): DecimalText {
  const negative = value < 0n;
  return { negative, digits: (negative ? -value : value).toString(), scale: 0 };
}

/** Rounds half away from zero (PostgreSQL's numeric rounding) to exactly `scale` fractional digits. */
export function roundDecimal(value: DecimalText, scale: number): DecimalText {
  if (value.scale <= scale) {
    const digits = value.digits === '0' ? '0' : value.digits + '0'.repeat(scale - value.scale);
    return { negative: value.negative, digits, scale };
  }
  const dropped = value.scale - scale;
  const padded = value.digits.padStart(dropped + 1, '0');
  const cut = padded.length - dropped;
  let kept = padded.slice(0, cut);
  if (padded.charCodeAt(cut) >= 53 /* '5' */) kept = increment(kept);
  const digits = stripLeadingZeros(kept);
  return { negative: value.negative && digits !== '0', digits, scale };
}

/** How many digits the value has before the point (0 for `0.5`). */
export function integerDigits(value: DecimalText): number {
  return value.digits === '0' ? 0 : Math.max(0, value.digits.length - value.scale);
}

/** The value rounded half away from zero to an integer. */
export function decimalToBigInt(value: DecimalText): bigint {
  const rounded = roundDecimal(value, 0);
  const magnitude = BigInt(rounded.digits);
  return rounded.negative ? -magnitude : magnitude;
}

/**
 * Plain notation with exactly `max(scale, 0)` fractional digits, as
 * PostgreSQL prints a numeric: `12.30`, `-0.05`, `1000`, never `-0`.
 */
export function formatDecimal(value: DecimalText): string {
  const sign = value.negative && value.digits !== '0' ? '-' : '';
  if (value.scale <= 0) return sign + (value.digits === '0' ? '0' : value.digits + '0'.repeat(-value.scale));
  const padded = value.digits.padStart(value.scale + 1, '0');
  const cut = padded.length - value.scale;
  return `${sign}${padded.slice(0, cut)}.${padded.slice(cut)}`;
}

function stripLeadingZeros(digits: string): string {
  let start = 0;
  while (start < digits.length - 1 && digits.charCodeAt(start) === ZERO) start += 1;
  return digits.length === 0 ? '0' : digits.slice(start);
}

/** Adds one to a digit string. */
function increment(digits: string): string {
  let index = digits.length - 1;
  while (index >= 0 && digits.charCodeAt(index) === NINE) index -= 1;
  if (index < 0) return `1${'0'.repeat(digits.length)}`;
  return digits.slice(0, index) + String.fromCharCode(digits.charCodeAt(index) + 1) + '0'.repeat(digits.length - index - 1);
}
