import { SiphonError, type SiphonErrorOptions } from './siphon-error.js';

export interface CoercionErrorOptions extends SiphonErrorOptions {
  /** 0-based index of the row among those being written, when a batch was. */
  readonly row?: number | undefined;
  /** Where the record came from (`record 3 of page 2 (http://…)`), when the sync knows. */
  readonly record?: string | undefined;
}

/** A record's value does not fit its column (`"abc"` into a bigint, 10^20 into an int64, …). */
export class CoercionError extends SiphonError {
  override name = 'CoercionError' as const;
  readonly table: string;
  readonly column: string;
  /** The column type, as written in config (`decimal(20,2)`). */
  readonly type: string;
  /** The offending value, shortened. */
  readonly value: string;
  /** Why it does not fit. */
  readonly reason: string;
  /** 0-based index of the row among those being written, when a batch was. */
  readonly row: number | undefined;
  /** Where the record came from, when known. */
  readonly record: string | undefined;

  constructor(table: string, column: string, type: string, value: string, reason: string, options: CoercionErrorOptions = {}) {
    const where = options.record === undefined ? '' : `; ${options.record}`;
    super(`${table}.${column} (${type}): cannot store ${value}: ${reason}${where}`, { ...options, retryable: false });
    this.table = table;
    this.column = column;
    this.type = type;
    this.value = value;
    this.reason = reason;
    this.row = options.row;
    this.record = options.record;
  }

  /** The same error, placed: its row in a batch, or the record it came from. */
  placed(place: { readonly row?: number | undefined; readonly record?: string | undefined }): CoercionError {
    return new CoercionError(this.table, this.column, this.type, this.value, this.reason, {
      row: place.row ?? this.row,
      record: place.record ?? this.record,
      cause: this.cause,
    });
  }
}
