import { SiphonError, type SiphonErrorOptions } from './siphon-error.js';

/** A record's value does not fit its column (`"abc"` into a bigint, 10^20 into an int64, …). */
export class CoercionError extends SiphonError {
  override name = 'CoercionError' as const;
  readonly table: string;
  readonly column: string;
  /** The column type, as written in config (`decimal(20,2)`). */
  readonly type: string;
  /** The offending value, shortened. */
  readonly value: string;

  constructor(table: string, column: string, type: string, value: string, reason: string, options: SiphonErrorOptions = {}) {
    super(`${table}.${column} (${type}): cannot store ${value}: ${reason}`, { ...options, retryable: false });
    this.table = table;
    this.column = column;
    this.type = type;
    this.value = value;
  }
}
