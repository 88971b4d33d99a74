import { isInteger, isSafeNumber, LosslessNumber, parse, stringify } from 'lossless-json';

/**
 * How JSON numbers are handed over:
 * - `'exact'`: numbers a double holds exactly stay `number`; longer integers
 *   become `bigint`; any other number (long decimals, and exponents a double
 *   cannot reach such as `1e400` or `1e-400`) becomes a `LosslessNumber`
 *   whose `value` is the digits the API sent.
 * - `'double'`: plain `JSON.parse` (digits beyond a double's precision are lost).
 */
export type NumberMode = 'exact' | 'double';

/**
 * How deep arrays and objects may nest in a JSON document Siphon parses:
 * deeper documents are refused with a {@link JsonDepthError} rather than
 * overflowing the stack of whatever walks them next.
 */
export const MAX_JSON_DEPTH = 1000;

/** A JSON document nests arrays and objects deeper than {@link MAX_JSON_DEPTH}. */
export class JsonDepthError extends Error {
  override name = 'JsonDepthError' as const;
  readonly limit: number;

  constructor(limit: number) {
    super(`JSON is nested deeper than ${limit} levels`);
    this.limit = limit;
  }
}

function parseNumber(text: string): number | bigint | LosslessNumber {
  if (isSafeNumber(text)) return Number(text);
  if (isInteger(text)) return BigInt(text);
  return new LosslessNumber(text);
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;
const DOT = 0x2e;
const MINUS = 0x2d;
const PLUS = 0x2b;
const ZERO = 0x30;
const NINE = 0x39;
const LOWER_E = 0x65;
const UPPER_E = 0x45;

// A number written without an exponent in at most 15 digits is one a double
// holds exactly (DBL_DIG = 15: such a decimal survives the round trip through
// a double), so JSON.parse returns exactly what the API sent. A 16th
// digit-or-dot or an exponent might not: those numbers are parsed exactly.
const SAFE_RUN = 15;

/**
 * One pass over the text outside its strings: refuses nesting deeper than
 * `limit`, and lists where the numbers that might not survive a double start
 * and end (`[start, end, start, end, …]`). Strings are skipped with
 * `indexOf`, so the loop only visits punctuation, numbers and whitespace.
 * Malformed text is left for the parser to report.
 */
function scan(text: string, limit: number): number[] {
  const length = text.length;
  const unsafe: number[] = [];
  let depth = 0;
  for (let index = 0; index < length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === QUOTE) {
      index = closingQuote(text, index);
      if (index < 0) break;
    } else if (code === OPEN_ARRAY || code === OPEN_OBJECT) {
      depth += 1;
      if (depth > limit) throw new JsonDepthError(limit);
    } else if (code === CLOSE_ARRAY || code === CLOSE_OBJECT) {
      depth -= 1;
    } else if (code >= ZERO && code <= NINE) {
      let end = index + 1;
      for (let next = text.charCodeAt(end); (next >= ZERO && next <= NINE) || next === DOT; next = text.charCodeAt(end)) end += 1;
      let after = text.charCodeAt(end);
      const exponent = after === LOWER_E || after === UPPER_E;
      if (exponent) {
        end += 1;
        for (
          after = text.charCodeAt(end);
          (after >= ZERO && after <= NINE) || after === MINUS || after === PLUS;
          after = text.charCodeAt(end)
        )
          end += 1;
      }
      if (exponent || end - index > SAFE_RUN) {
        unsafe.push(text.charCodeAt(index - 1) === MINUS ? index - 1 : index, end);
      }
      index = end - 1;
    }
  }
  return unsafe;
}

/** The index of the quote closing the string opened at `open`, `-1` when there is none. */
function closingQuote(text: string, open: number): number {
  let close = text.indexOf('"', open + 1);
  while (close > 0) {
    let backslashes = 0;
    while (text.charCodeAt(close - 1 - backslashes) === BACKSLASH) backslashes += 1;
    if (backslashes % 2 === 0) return close;
    close = text.indexOf('"', close + 1);
  }
  return -1;
}

/**
 * Parses JSON text; throws the parser's `SyntaxError` on malformed input and
 * a {@link JsonDepthError} when it nests deeper than {@link MAX_JSON_DEPTH}.
 * In `'exact'` mode every number is either a `number` equal to what the text
 * says, a `bigint`, or a `LosslessNumber` with the text's digits: the native
 * parser reads every number the scan proves no double could change, and
 * the others are read from their digits.
 */
export function parseJson(text: string, mode: NumberMode = 'exact'): unknown {
  const unsafe = scan(text, MAX_JSON_DEPTH);
  if (mode === 'double' || unsafe.length === 0) return JSON.parse(text);
  return parseMarked(text, unsafe) ?? parse(text, null, EXACT_OPTIONS);
}

// As JSON.parse: a repeated key keeps its last value (lossless-json would throw).
const EXACT_OPTIONS = { parseNumber, onDuplicateKey: ({ newValue }: { newValue: unknown }) => newValue };

/** U+0001 starts a number's digits turned into a string: no JSON text can put it there unescaped. */
const MARK = 1;
const MARK_ESCAPE = '\\u0001';
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * The native parser over the text with each listed number quoted behind a
 * mark, then each marked string read back with {@link parseNumber}.
 * lossless-json reads a string one character at a time, each a new string,
 * so on a page of long decimals it made ten times the garbage of the page's
 * values; this makes about one copy of the text. `undefined` when the text
 * escapes the mark itself, is malformed or repeats a key over a marked
 * number: lossless-json reads it (and reports the error) as before.
 */
function parseMarked(text: string, unsafe: readonly number[]): unknown {
  if (text.includes(MARK_ESCAPE)) return undefined;
  let marked = '';
  let from = 0;
  for (let i = 0; i < unsafe.length; i += 2) {
    const start = unsafe[i] as number;
    const end = unsafe[i + 1] as number;
    const digits = text.slice(start, end);
    if (!JSON_NUMBER.test(digits)) return undefined;
    marked += `${text.slice(from, start)}"${MARK_ESCAPE}${digits}"`;
    from = end;
  }
  marked += text.slice(from);
  let value: unknown;
  try {
    value = JSON.parse(marked);
  } catch {
    return undefined;
  }
  const left = { count: unsafe.length / 2 };
  const read = unmark(value, left);
  // A mark not met among the values sat in a key (`{123…: 1}`, not JSON) or in a repeated key's dropped value.
  return left.count === 0 ? read : undefined;
}

/** `value` with each marked string read as the number it was; stops descending once `left.count` reaches 0. */
function unmark(value: unknown, left: { count: number }): unknown {
  if (typeof value === 'string') {
    if (value.charCodeAt(0) !== MARK) return value;
    left.count -= 1;
    return parseNumber(value.slice(1));
  }
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length && left.count > 0; i += 1) {
      const item: unknown = value[i];
      if (typeof item === 'string' || (typeof item === 'object' && item !== null)) value[i] = unmark(item, left);
    }
    return value;
  }
  const object = value as Record<string, unknown>;
  for (const key in object) {
    if (left.count === 0) break;
    const item = object[key];
    if (typeof item !== 'string' && (typeof item !== 'object' || item === null)) continue;
    const read = unmark(item, left);
    if (read === item) continue;
    // Plain assignment to `__proto__` would set the prototype, not the own key JSON.parse made.
    if (key === '__proto__') Object.defineProperty(object, key, { value: read, writable: true, enumerable: true, configurable: true });
    else object[key] = read;
  }
  return object;
}

/** Serializes values produced by {@link parseJson}, writing big numbers with their exact digits. */
export function stringifyJson(value: unknown, space?: number): string {
  return stringify(value, undefined, space) ?? 'null';
}

export { LosslessNumber };
