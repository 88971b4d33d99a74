import type { ColumnType } from '../store/column-type.js';

/**
 * A column to export, in output order. Tables know each column's type;
 * report queries (arbitrary SQL) do not, and their cells are written by the
 * JavaScript type of each value instead.
 */
export interface ExportColumn {
  readonly name: string;
  readonly type?: ColumnType | undefined;
}

/** Whether the column holds numbers (integer, bigint, decimal, float). */
export function isNumericType(type: ColumnType | undefined): boolean {
  const kind = type?.kind;
  return kind === 'integer' || kind === 'bigint' || kind === 'decimal' || kind === 'float';
}
