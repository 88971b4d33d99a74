import { CoercionError } from '../errors/coercion-error.js';
import { coerceValue, shortValue } from './coerce.js';
import { type ColumnType, formatColumnType } from './column-type.js';
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
      const nul = dialect.textHoldsNul ? undefined : NUL_IN[column.type.kind];
      const coerce: Encode = nul
        ? (value) => {
            const result = coerceValue(value, column.type, where);
            if (typeof result === 'string' && nul.test(result)) throw nulRefused(table.name, column.type, column.name, value, dialect);
            return result;
          }
        : (value) => coerceValue(value, column.type, where);
      const encode: Encode = toDriver ? (value) => toDriver(coerce(value)) : coerce;
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
    const encoded: unknown[][] = [];
    try {
      for (const row of rows) encoded.push(names.map((name, index) => this.#encoders[index]!(row[name])));
    } catch (error) {
      // The caller knows where row i came from (a page, a record): tell it which.
      throw error instanceof CoercionError && error.row === undefined ? error.placed({ row: encoded.length }) : error;
    }
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

/** Where a NUL would hide in a coerced value: the character in text, its escape in JSON text (not an escaped backslash before `u0000`). */
const NUL_IN: Partial<Record<ColumnType['kind'], { test(text: string): boolean }>> = {
  text: { test: (text) => text.includes('\u0000') },
  json: /(?<!\\)(?:\\\\)*\\u0000/,
};

function nulRefused(table: string, type: ColumnType, column: string, value: unknown, dialect: StoreDialect): CoercionError {
  const where = type.kind === 'json' ? 'strings inside json' : 'text';
  const reason = `${where} cannot hold the NUL character (U+0000) in this database (${dialect.name})`;
  return new CoercionError(table, column, formatColumnType(type), shortValue(value), reason);
}
