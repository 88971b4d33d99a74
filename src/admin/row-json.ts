import type { ColumnInfo, Row } from '../store/types.js';
import { LosslessNumber } from '../util/exact-json.js';

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * A row for JSON output: a decimal column's digit string becomes a number
 * literal with exactly those digits, as `siphon export --format json` writes
 * it; bigints stay bigints (written with every digit).
 */
export function rowJson(columns: readonly Pick<ColumnInfo, 'name' | 'type'>[], row: Row): Row {
  const out: Row = {};
  for (const column of columns) {
    const value = row[column.name];
    out[column.name] =
      column.type?.kind === 'decimal' && typeof value === 'string' && NUMBER.test(value) ? new LosslessNumber(value) : value;
  }
  return out;
}
