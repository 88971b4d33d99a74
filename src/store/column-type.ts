import { didYouMean } from '../util/did-you-mean.js';

/**
 * The column types a resource can declare. Both dialects store each one
 * exactly; see the README's "Column types" table for the SQL behind them.
 */
export type ColumnType =
  | { readonly kind: 'text' }
  | { readonly kind: 'integer' }
  | { readonly kind: 'bigint' }
  | { readonly kind: 'decimal'; readonly precision: number; readonly scale: number }
  | { readonly kind: 'float' }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'timestamp' }
  | { readonly kind: 'json' };

export type ColumnKind = ColumnType['kind'];

export const COLUMN_KINDS: readonly ColumnKind[] = ['text', 'integer', 'bigint', 'decimal', 'float', 'boolean', 'timestamp', 'json'];

/** Widest decimal PostgreSQL's `numeric(p, s)` accepts. */
export const MAX_DECIMAL_PRECISION = 1000;

/**
 * Parses a type as written in config: `text`, `bigint`, `decimal(20,2)`,
 * `numeric(10, 5)`, `timestamp`, … Throws a `TypeError` that lists the valid
 * spellings; callers wrap it with the config path.
 */
export function parseColumnType(text: string): ColumnType {
  const source = text.trim().toLowerCase();
  const decimal = /^(?:decimal|numeric)\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)$/.exec(source);
  if (decimal) {
    const precision = Number(decimal[1]);
    const scale = Number(decimal[2] ?? 0);
    if (precision < 1 || precision > MAX_DECIMAL_PRECISION) {
      throw new TypeError(`decimal precision must be 1–${MAX_DECIMAL_PRECISION}, got ${precision} in "${text}"`);
    }
    if (scale > precision) throw new TypeError(`decimal scale ${scale} is larger than its precision ${precision} in "${text}"`);
    return { kind: 'decimal', precision, scale };
  }
  const alias = ALIASES[source];
  if (alias) return alias;
  throw new TypeError(
    `unknown column type "${text}"${didYouMean(source, Object.keys(ALIASES))}; expected one of text, integer, bigint, decimal(p,s), float, boolean, timestamp, json`,
  );
}

const ALIASES: Record<string, ColumnType> = {
  text: { kind: 'text' },
  string: { kind: 'text' },
  varchar: { kind: 'text' },
  integer: { kind: 'integer' },
  int: { kind: 'integer' },
  bigint: { kind: 'bigint' },
  // An undeclared precision keeps every digit the API sends (PostgreSQL `numeric`).
  decimal: { kind: 'decimal', precision: 0, scale: 0 },
  numeric: { kind: 'decimal', precision: 0, scale: 0 },
  float: { kind: 'float' },
  double: { kind: 'float' },
  real: { kind: 'float' },
  boolean: { kind: 'boolean' },
  bool: { kind: 'boolean' },
  timestamp: { kind: 'timestamp' },
  timestamptz: { kind: 'timestamp' },
  datetime: { kind: 'timestamp' },
  json: { kind: 'json' },
  jsonb: { kind: 'json' },
};

/** The canonical spelling, e.g. `decimal(20,2)`; `decimal` alone when unbounded. */
export function formatColumnType(type: ColumnType): string {
  if (type.kind === 'decimal') return type.precision === 0 ? 'decimal' : `decimal(${type.precision},${type.scale})`;
  return type.kind;
}

export function sameColumnType(a: ColumnType, b: ColumnType): boolean {
  return formatColumnType(a) === formatColumnType(b);
}
