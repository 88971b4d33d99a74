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
const ZERO = 0x30;
const NINE = 0x39;
const LOWER_E = 0x65;
const UPPER_E = 0x45;

// A number written without an exponent in at most 15 digits is one a double
// holds exactly (DBL_DIG = 15: such a decimal survives the round trip through
// a double), so JSON.parse returns exactly what the API sent. A 16th
// digit-or-dot or an exponent might not: those bodies take the exact parser.
const SAFE_RUN = 15;

/**
 * One pass over the text outside its strings: refuses nesting deeper than
 * `limit`, and tells whether any number might not survive a double. Strings
 * are skipped with `indexOf`, so the loop only visits punctuation, numbers and
 * whitespace. Malformed text is left for the parser to report.
 */
function scan(text: string, limit: number): { readonly exact: boolean } {
  const length = text.length;
  let depth = 0;
  let exact = false;
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
    } else if (!exact && code >= ZERO && code <= NINE) {
      let end = index + 1;
      for (let next = text.charCodeAt(end); (next >= ZERO && next <= NINE) || next === DOT; next = text.charCodeAt(end)) end += 1;
      const after = text.charCodeAt(end);
      exact = end - index > SAFE_RUN || after === LOWER_E || after === UPPER_E;
      index = end - 1;
    }
  }
  return { exact };
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
 * parser is used only when the scan proves no number could change.
 */
export function parseJson(text: string, mode: NumberMode = 'exact'): unknown {
  const { exact } = scan(text, MAX_JSON_DEPTH);
  if (mode === 'double' || !exact) return JSON.parse(text);
  return parse(text, null, EXACT_OPTIONS);
}

// As JSON.parse: a repeated key keeps its last value (lossless-json would throw).
const EXACT_OPTIONS = { parseNumber, onDuplicateKey: ({ newValue }: { newValue: unknown }) => newValue };

/** Serializes values produced by {@link parseJson}, writing big numbers with their exact digits. */
export function stringifyJson(value: unknown, space?: number): string {
  return stringify(value, undefined, space) ?? 'null';
}

export { LosslessNumber };
