import { SiphonError, type SiphonErrorOptions } from './siphon-error.js';

/** A record the API sent cannot become a row: it is not an object (`42`, `"str"`, `null`, a list). */
export class RecordError extends SiphonError {
  override name = 'RecordError' as const;
  readonly table: string;
  /** The record, shortened. */
  readonly value: string;
  /** Where it came from: `record 3 of page 2 (http://…)`. */
  readonly record: string;

  constructor(table: string, value: string, record: string, reason: string, options: SiphonErrorOptions = {}) {
    super(`table ${table}: ${record} is ${value}, ${reason}`, { ...options, retryable: false });
    this.table = table;
    this.value = value;
    this.record = record;
  }
}
