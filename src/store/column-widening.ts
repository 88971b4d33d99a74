import { isLosslessNumber } from 'lossless-json';
import { type ColumnType, formatColumnType } from './column-type.js';

/**
 * An inferred column retyped in place to a wider type that holds every
 * value it had, exactly (`current_price` bigint → decimal).
 */
export interface ColumnWidening {
  readonly table: string;
  readonly column: string;
  readonly from: ColumnType;
  readonly to: ColumnType;
}

/** A widening as the run history keeps it, types spelled as in config. */
export interface WidenedColumn {
  readonly table: string;
  readonly column: string;
  readonly from: string;
  readonly to: string;
}

/**
 * How a column changes from one type to another:
 * - `none`: the same type;
 * - `numeric`: integer → bigint → decimal, the values keep their numbers;
 * - `kind`: a scalar → text, or anything → json, the values keep their
 *   digits and characters but change kind (`5` becomes `"5"`).
 */
export type WideningKind = 'none' | 'numeric' | 'kind';

const TEXT: ColumnType = { kind: 'text' };
const JSON_TYPE: ColumnType = { kind: 'json' };
const BIGINT: ColumnType = { kind: 'bigint' };
const DECIMAL: ColumnType = { kind: 'decimal', precision: 0, scale: 0 };
const BOOLEAN: ColumnType = { kind: 'boolean' };

const NUMERIC_RANK: Partial<Record<ColumnType['kind'], number>> = { integer: 0, bigint: 1, decimal: 2 };
const INT64_MIN = -9223372036854775808n;
const INT64_MAX = 9223372036854775807n;

function numericRank(type: ColumnType): number | undefined {
  if (type.kind === 'decimal' && type.precision !== 0) return undefined;
  return NUMERIC_RANK[type.kind];
}

/**
 * Whether a column of this type can follow its data: boolean, integer,
 * bigint, unbounded decimal, text and json. Bounded decimals, floats and
 * timestamps round or reinterpret values, so only a declaration makes them.
 */
export function isInferableType(type: ColumnType): boolean {
  return numericRank(type) !== undefined || type.kind === 'boolean' || type.kind === 'text' || type.kind === 'json';
}

/**
 * The narrowest inferable type of one value, `undefined` for null: a
 * boolean, an integer within 64 bits (bigint), any other number (decimal,
 * exact digits), a string (text), an object or array (json).
 */
export function valueType(value: unknown): ColumnType | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'boolean') return BOOLEAN;
  if (typeof value === 'bigint') return value >= INT64_MIN && value <= INT64_MAX ? BIGINT : DECIMAL;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BIGINT : DECIMAL;
  if (isLosslessNumber(value)) {
    const digits = value.value;
    return /^-?\d{1,18}$/.test(digits) ? BIGINT : DECIMAL;
  }
  if (typeof value === 'string') return TEXT;
  return JSON_TYPE;
}

/** Whether two types are the same (cheaper than comparing their spellings; inference asks once per value). */
export function sameType(a: ColumnType, b: ColumnType): boolean {
  if (a.kind !== b.kind) return false;
  return a.kind !== 'decimal' || b.kind !== 'decimal' || (a.precision === b.precision && a.scale === b.scale);
}

/** The narrowest inferable type holding every value of `a` and of `b` exactly. */
export function joinTypes(a: ColumnType, b: ColumnType): ColumnType {
  if (sameType(a, b)) return a;
  const rankA = numericRank(a);
  const rankB = numericRank(b);
  if (rankA !== undefined && rankB !== undefined) return rankA >= rankB ? a : b;
  return a.kind === 'json' || b.kind === 'json' ? JSON_TYPE : TEXT;
}

/** Whether one column holding values of both types means changing one's kind (a number and a string, text and an object). */
export function mixesKinds(a: ColumnType, b: ColumnType): boolean {
  const joined = joinTypes(a, b);
  return wideningKind(a, joined) === 'kind' || wideningKind(b, joined) === 'kind';
}

/** What retyping a column `from` → `to` is, or `undefined` when it could lose or reinterpret values. */
export function wideningKind(from: ColumnType, to: ColumnType): WideningKind | undefined {
  if (sameType(from, to)) return 'none';
  if (!isInferableType(from) || !isInferableType(to)) return undefined;
  const rankFrom = numericRank(from);
  const rankTo = numericRank(to);
  if (rankFrom !== undefined && rankTo !== undefined) return rankTo > rankFrom ? 'numeric' : undefined;
  if (to.kind === 'json') return 'kind';
  if (to.kind === 'text') return from.kind === 'json' ? undefined : 'kind';
  return undefined;
}

/** The widening as history records it. */
export function widenedColumn(widening: ColumnWidening): WidenedColumn {
  return {
    table: widening.table,
    column: widening.column,
    from: formatColumnType(widening.from),
    to: formatColumnType(widening.to),
  };
}
