import { scalarText } from './scalar-text.js';

const MAX_STRING = 60;
const MAX_JSON = 80;

/**
 * A short rendering of a value for messages: strings quoted (`"four"`),
 * numbers with the digits they were given (a `LosslessNumber` or a bigint
 * included), objects and lists as short JSON (`{"page":"two"}`), `nothing`
 * for `undefined`. The one renderer of config, option and page values, so
 * every message shows a bad value alike.
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value.length > MAX_STRING ? `${value.slice(0, MAX_STRING - 3)}...` : value);
  if (typeof value === 'bigint') return String(value);
  const digits = scalarText(value);
  if (digits !== undefined) return digits;
  if (typeof value === 'function' || typeof value === 'symbol') return typeof value;
  let json: string | undefined;
  try {
    json = JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? String(item) : item));
  } catch {
    json = undefined;
  }
  json ??= String(value);
  return json.length > MAX_JSON ? `${json.slice(0, MAX_JSON - 3)}...` : json;
}

/** `is required (<what>)` for a missing value, else `expected <what>, got <value>`. */
export function expected(what: string, got: unknown): string {
  return got === undefined ? `is required (${what})` : `expected ${what}, got ${describeValue(got)}`;
}
