import type { QueryParams } from '../http/types.js';
import { scalarText } from '../util/scalar-text.js';

/** A non-negative integer from a number, a numeric string or a lossless number; `undefined` otherwise. */
export function parseCount(value: unknown): number | undefined {
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'bigint') n = Number(value);
  else {
    const text = scalarText(value);
    if (text === undefined || !/^\s*\d+\s*$/.test(text)) return undefined;
    n = Number(text);
  }
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** The first of `names` present in `params` as a positive integer. */
export function positiveParam(params: QueryParams | undefined, names: readonly string[]): { name: string; value: number } | undefined {
  if (!params) return undefined;
  for (const name of names) {
    if (!Object.hasOwn(params, name)) continue;
    const value = parseCount(params[name]);
    if (value !== undefined && value > 0) return { name, value };
  }
  return undefined;
}
