import { isInteger, isSafeNumber, LosslessNumber, parse, stringify } from 'lossless-json';

/**
 * How JSON numbers are handed over:
 * - `'exact'`: numbers a double holds exactly stay `number`; longer integers
 *   become `bigint`; longer decimals become a `LosslessNumber` whose `value`
 *   is the digits the API sent.
 * - `'double'`: plain `JSON.parse` (digits beyond a double's precision are lost).
 */
export type NumberMode = 'exact' | 'double';

// A double holds every number of up to 15 significant digits; only a literal
// with a run of 16+ digits/dots can lose information, so most bodies take the
// fast native path. Strings that look like that only cost the slower parser.
const MAYBE_UNSAFE = /\d[\d.]{15}/;

function parseNumber(text: string): number | bigint | LosslessNumber {
  if (isSafeNumber(text)) return Number(text);
  if (isInteger(text)) return BigInt(text);
  return new LosslessNumber(text);
}

/** Parses JSON text; throws the parser's `SyntaxError` on malformed input. */
export function parseJson(text: string, mode: NumberMode = 'exact'): unknown {
  if (mode === 'double' || !MAYBE_UNSAFE.test(text)) return JSON.parse(text);
  return parse(text, null, parseNumber);
}

/** Serializes values produced by {@link parseJson}, writing big numbers with their exact digits. */
export function stringifyJson(value: unknown, space?: number): string {
  return stringify(value, undefined, space) ?? 'null';
}

export { LosslessNumber };
