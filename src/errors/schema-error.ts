import { SiphonError, type SiphonErrorOptions } from './siphon-error.js';

/** A table in the database disagrees with the config in a way Siphon will not fix silently (a retyped column, a changed key). */
export class SchemaError extends SiphonError {
  override name = 'SchemaError' as const;
  readonly table: string;

  constructor(table: string, message: string, options: SiphonErrorOptions = {}) {
    super(`table ${table}: ${message}`, { ...options, retryable: false });
    this.table = table;
  }
}
