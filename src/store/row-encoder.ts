import { CoercionError } from '../errors/coercion-error.js';
import { coerceValue } from './coerce.js';
import { formatColumnType } from './column-type.js';
import type { StoreDialect } from './store-dialect.js';
import type { Row, TableDef } from './types.js';

type Encode = (value: unknown) => unknown;

/**
 * Coerces rows to a table's columns and into the driver's bind values, all
 * before anything is written: one bad value fails the batch untouched.
 */
export class RowEncoder {
  readonly table: TableDef;
  readonly #encoders: readonly Encode[];
  readonly #keyIndexes: readonly number[];

  constructor(table: TableDef, dialect: StoreDialect) {
    this.table = table;
    const key = new Set(table.primaryKey);
    this.#keyIndexes = table.columns.flatMap((column, index) => (key.has(column.name) ? [index] : []));
    this.#encoders = table.columns.map((column) => {
      const where = { table: table.name, column: column.name };
      const toDriver = dialect.toDriver(column.type);
      const encode: Encode = toDriver
        ? (value) => toDriver(coerceValue(value, column.type, where))
        : (value) => coerceValue(value, column.type, where);
      if (!key.has(column.name)) return encode;
      return (value) => {
        const result = encode(value);
        if (result === null)
          throw new CoercionError(table.name, column.name, formatColumnType(column.type), 'null', 'a primary key column cannot be NULL');
        return result;
      };
    });
  }

  /**
   * One array of bind values per row, in column order. With `dedupe`, rows
   * sharing a key collapse to the last one: PostgreSQL refuses to upsert
   * the same row twice in one statement, and the last is the freshest.
   */
  encode(rows: readonly Row[], dedupe: boolean): unknown[][] {
    const names = this.table.columns.map((column) => column.name);
    const encoded = rows.map((row) => names.map((name, index) => this.#encoders[index]!(row[name])));
    if (!dedupe || this.#keyIndexes.length === 0) return encoded;
    const byKey = new Map<string, unknown[]>();
    for (const values of encoded) byKey.set(this.#keyOf(values), values);
    return byKey.size === encoded.length ? encoded : [...byKey.values()];
  }

  #keyOf(values: readonly unknown[]): string {
    // Length-prefixed so ('a|b', 'c') and ('a', 'b|c') never meet.
    let key = '';
    for (const index of this.#keyIndexes) {
      const part = String(values[index]);
      key += `${part.length}:${part}`;
    }
    return key;
  }
}
