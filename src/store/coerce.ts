import { isLosslessNumber } from 'lossless-json';
import { CoercionError } from '../errors/coercion-error.js';
import { stringifyJson } from '../util/exact-json.js';
import { type ColumnType, formatColumnType } from './column-type.js';
import {
  type DecimalText,
  decimalFromBigInt,
  decimalFromNumber,
  decimalToBigInt,
  formatDecimal,
  formatPlainDecimal,
  integerDigits,
  MAX_EXPONENT,
  parseDecimalText,
  roundDecimal,
} from './decimal-text.js';
import { normalizeTimestampText, timestampFromEpoch } from './timestamp-text.js';

/** Where a value is going, for error messages. */
export interface CoercionTarget {
  readonly table: string;
  readonly column: string;
}

const INT32_MIN = -2147483648n;
const INT32_MAX = 2147483647n;
const INT64_MIN = -9223372036854775808n;
const INT64_MAX = 9223372036854775807n;

// PostgreSQL's limits for an unconstrained numeric; both dialects enforce them.
const MAX_UNBOUNDED_INTEGER_DIGITS = 131_072;
const MAX_UNBOUNDED_SCALE = 16_383;

/**
 * Turns a raw API value into the value stored for a column of `type`, the
 * same for every dialect: `text` → string, `integer` → number, `bigint` →
 * bigint, `decimal` → canonical digit string, `float` → number, `boolean` →
 * boolean, `timestamp` → ISO-8601 UTC string, `json` → exact JSON text.
 * `null` and `undefined` become `null`. Throws a {@link CoercionError} when
 * the value does not fit.
 */
export function coerceValue(value: unknown, type: ColumnType, where: CoercionTarget): unknown {
  if (value === null || value === undefined) return null;
  const result = COERCERS[type.kind](value, type);
  if (typeof result === 'object' && result !== null) {
    throw new CoercionError(where.table, where.column, formatColumnType(type), shortValue(value), result.reason);
  }
  return result;
}

/**
 * {@link coerceValue} for one column, its type's coercer looked up once:
 * what a batch write calls for every value.
 */
export function columnCoercer(type: ColumnType, where: CoercionTarget): (value: unknown) => unknown {
  const coercer = COERCERS[type.kind];
  return (value) => {
    if (value === null || value === undefined) return null;
    const result = coercer(value, type);
    if (typeof result === 'object') {
      throw new CoercionError(where.table, where.column, formatColumnType(type), shortValue(value), result.reason);
    }
    return result;
  };
}

/** A coercer returns the stored value, or why it cannot. */
type Refusal = { readonly reason: string };
type Coercer = (value: unknown, type: ColumnType) => string | number | bigint | boolean | Refusal;

const COERCERS: Record<ColumnType['kind'], Coercer> = {
  text: toText,
  integer: (value) => {
    const result = toInteger(value, INT32_MIN, INT32_MAX, 'integer (int32)');
    return typeof result === 'bigint' ? Number(result) : result;
  },
  bigint: (value) => toInteger(value, INT64_MIN, INT64_MAX, 'bigint (int64)'),
  decimal: (value, type) => (type.kind === 'decimal' ? toDecimal(value, type.precision, type.scale) : refuse('not a decimal column')),
  float: toFloat,
  boolean: toBoolean,
  timestamp: toTimestamp,
  json: toJson,
};

// Half of a UTF-16 surrogate pair: no UTF-8 for it, so either database would store U+FFFD instead.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

// Any surrogate at all: rare, and much cheaper to look for than a lone one.
const SURROGATE = /[\uD800-\uDFFF]/;

function toText(value: unknown): string | Refusal {
  if (typeof value === 'string') {
    return SURROGATE.test(value) && LONE_SURROGATE.test(value)
      ? refuse('it holds half of a UTF-16 surrogate pair, which UTF-8 text cannot store')
      : value;
  }
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (isLosslessNumber(value)) return value.value;
  return stringifyJson(value);
}

function toInteger(value: unknown, min: bigint, max: bigint, name: string): bigint | Refusal {
  let integer: bigint;
  if (typeof value === 'number' && Number.isSafeInteger(value)) integer = BigInt(value);
  else if (typeof value === 'bigint') integer = value;
  else {
    const decimal = toDecimalText(value);
    if (!decimal) return refuse('not a number');
    if (integerDigits(decimal) > 20) return refuse(`out of range for ${name}`);
    // `3.0` and `1e3` are integers; `2.5` is not, and rounding it would store a value the API did not send.
    const exact = formatDecimal(decimal);
    if (/\.\d*[1-9]/.test(exact)) return refuse(`it has a fraction (${exact}), which ${name} would round away; declare the column decimal`);
    integer = decimalToBigInt(decimal);
  }
  if (integer < min || integer > max) return refuse(`out of range for ${name} (${min} to ${max})`);
  return integer;
}

function toDecimal(value: unknown, precision: number, scale: number): string | Refusal {
  if (precision !== 0) {
    const fixed = typeof value === 'number' ? fixedDecimal(value, scale, precision - scale) : undefined;
    if (fixed !== undefined) return fixed;
    const text = plainText(value);
    const formatted = text === undefined ? undefined : formatPlainDecimal(text, scale, precision - scale);
    if (formatted !== undefined) return formatted;
  }
  const decimal = toDecimalText(value);
  if (!decimal) return refuse(isLosslessNumber(value) ? `its exponent is beyond ±${MAX_EXPONENT}` : 'not a number');
  if (precision === 0) {
    // Unconstrained: keep the value's own digits, like PostgreSQL's `numeric`.
    const plain = decimal.scale < 0 ? roundDecimal(decimal, 0) : decimal;
    if (integerDigits(plain) > MAX_UNBOUNDED_INTEGER_DIGITS || plain.scale > MAX_UNBOUNDED_SCALE) {
      return refuse('too many digits for an unconstrained decimal');
    }
    return formatDecimal(plain);
  }
  const rounded = roundDecimal(decimal, scale);
  const needed = integerDigits(rounded);
  if (needed > precision - scale) {
    return refuse(`needs ${needed} integer digits, decimal(${precision},${scale}) allows ${precision - scale}`);
  }
  return formatDecimal(rounded);
}

function toFloat(value: unknown): number | Refusal {
  if (typeof value === 'number') return Number.isFinite(value) ? value : refuse('not a finite number');
  let text: string;
  if (typeof value === 'bigint') text = String(value);
  else if (isLosslessNumber(value)) text = value.value;
  else if (typeof value === 'string') text = value.trim();
  else return refuse('not a number');
  // Every JSON number, also one whose exponent parseDecimalText refuses (`1e5000`).
  if (!parseDecimalText(text) && !JSON_NUMBER.test(text)) return refuse('not a number');
  const result = Number(text);
  // A double rounds to its nearest value (what a float column is), but a
  // number beyond its range would become Infinity or 0: that is not rounding.
  if (!Number.isFinite(result)) return refuse('out of range for float (a double holds up to ±1.8e308)');
  if (result === 0 && !ZERO_TEXT.test(text)) return refuse('too small for float (a double would hold 0)');
  return result;
}

/**
 * Exact JSON text. Both databases must take every number in it as it is:
 * PostgreSQL's jsonb reads numbers as `numeric`, so a number beyond its
 * range (an exponent past ±1000 here, as for decimal columns) is refused on
 * either database rather than stored on one and not the other.
 */
function toJson(value: unknown): string | Refusal {
  const text = stringifyJson(value);
  // Only a number with an exponent or thousands of digits can be out of range.
  if (text.length < MAX_UNBOUNDED_SCALE && !EXPONENT.test(text)) return text;
  const out = outOfRangeNumber(value);
  return out === undefined
    ? text
    : refuse(`the number ${shortValue(out)} in it is beyond the range of a json column (exponents up to ±${MAX_EXPONENT})`);
}

const JSON_NUMBER = /^-?\d+(?:\.\d+)?[eE][+-]?\d+$/;
const ZERO_TEXT = /^[+-]?[0.]+(?:[eE][+-]?\d+)?$/;
const EXPONENT = /\d[eE]/;

/** The first number in a JSON value a `numeric` cannot hold, if any. */
function outOfRangeNumber(value: unknown): unknown {
  if (isLosslessNumber(value) || typeof value === 'bigint') {
    const decimal = toDecimalText(value);
    const ok = decimal && integerDigits(decimal) <= MAX_UNBOUNDED_INTEGER_DIGITS && decimal.scale <= MAX_UNBOUNDED_SCALE;
    return ok ? undefined : value;
  }
  if (value === null || typeof value !== 'object') return undefined;
  for (const item of Array.isArray(value) ? value : Object.values(value)) {
    const out = outOfRangeNumber(item);
    if (out !== undefined) return out;
  }
  return undefined;
}

const TRUE_TEXT = new Set(['true', '1', 'yes']);
const FALSE_TEXT = new Set(['false', '0', 'no']);

function toBoolean(value: unknown): boolean | Refusal {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number' || typeof value === 'bigint') {
    // A bigint and a number compare by value: 0n and 0 are both false.
    if (Number(value) === 0) return false;
    if (Number(value) === 1) return true;
  }
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase();
    if (TRUE_TEXT.has(text)) return true;
    if (FALSE_TEXT.has(text)) return false;
  }
  return refuse('expected true/false, 1/0 or yes/no');
}

function toTimestamp(value: unknown): string | Refusal {
  let result: string | undefined;
  if (typeof value === 'string') {
    const text = value.trim();
    const epoch = /^[+-]?\d+(?:\.\d+)?$/.test(text) ? parseDecimalText(text) : undefined;
    result = epoch ? timestampFromEpoch(epoch) : normalizeTimestampText(text);
  } else if (value instanceof Date) {
    result = Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  } else {
    const epoch = toDecimalText(value);
    result = epoch && timestampFromEpoch(epoch);
  }
  return result ?? refuse('expected an ISO-8601 date-time, a date or epoch seconds/milliseconds in the years 1–9999');
}

// Below this, a double scaled by 10^(scale + 1) is spaced at most 0.5 apart: toFixed(scale + 1) is exact.
const FIXED_LIMIT = 2 ** 51;
const POWERS_OF_TEN = Array.from({ length: 21 }, (_, power) => 10 ** power);

/**
 * A double's shortest digits rounded half away from zero to `scale`, without
 * computing those digits (`String(number)` is the costliest step of writing a
 * decimal). `toFixed` rounds the double's exact binary value instead, which
 * ends the same way unless that value sits near a tie: its digit after
 * `scale` (in `toFixed(scale + 1)`) is then a 5, and this leaves it to the
 * general path, as it does a result beyond `maxIntegerDigits`.
 */
function fixedDecimal(value: number, scale: number, maxIntegerDigits: number): string | undefined {
  const power = POWERS_OF_TEN[scale + 1];
  if (power === undefined || !(Math.abs(value) * power < FIXED_LIMIT)) return undefined;
  const finer = value.toFixed(scale + 1);
  const last = finer.charCodeAt(finer.length - 1);
  if (last === 53 /* 5 */) return undefined;
  let result = last < 53 ? finer.slice(0, scale === 0 ? -2 : -1) : value.toFixed(scale);
  const negative = result.charCodeAt(0) === 45; /* - */
  const dot = scale === 0 ? result.length : result.length - scale - 1;
  const whole = dot - (negative ? 1 : 0);
  const zeroWhole = whole === 1 && result.charCodeAt(dot - 1) === 48; /* 0 */
  if (whole > maxIntegerDigits && !zeroWhole) return undefined;
  // Rounded to zero: never `-0.00`, as PostgreSQL prints it.
  if (negative && zeroWhole && /^-0(?:\.0*)?$/.test(result)) result = result.slice(1);
  return result;
}

/** The text of a number or numeric string, for {@link formatPlainDecimal}; `undefined` for anything else. */
function plainText(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'string') return value.trim();
  return isLosslessNumber(value) ? value.value : undefined;
}

/** The exact digits of a numeric value: a number's shortest round-trip form, never its binary expansion. */
function toDecimalText(value: unknown): DecimalText | undefined {
  if (typeof value === 'number') return decimalFromNumber(value);
  if (typeof value === 'bigint') return decimalFromBigInt(value);
  if (isLosslessNumber(value)) return parseDecimalText(value.value);
  if (typeof value === 'string') return parseDecimalText(value.trim());
  return undefined;
}

function refuse(reason: string): Refusal {
  return { reason };
}

const MAX_SHOWN = 60;

/** The value as it would appear in JSON, cut short for an error message. */
export function shortValue(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : stringifyJson(value);
  } catch {
    text = String(value);
  }
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text;
}
