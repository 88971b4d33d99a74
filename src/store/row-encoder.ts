import { CoercionError } from '../errors/coercion-error.js';
import { columnCoercer, shortValue } from './coerce.js';
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
  readonly #names: readonly string[];

  constructor(table: TableDef, dialect: StoreDialect) {
    this.table = table;
    this.#names = table.columns.map((column) => column.name);
    const key = new Set(table.primaryKey);
    this.#keyIndexes = table.columns.flatMap((column, index) => (key.has(column.name) ? [index] : []));
    this.#encoders = table.columns.map((column) => {
      const where = { table: table.name, column: column.name };
      const toDriver = dialect.toDriver(column.type);
      const refusals = dialectRefusals(column.type, dialect);
      const coerceValue = columnCoercer(column.type, where);
      const coerce: Encode = refusals
        ? (value) => {
            const result = coerceValue(value);
            if (typeof result !== 'string') return result;
            for (const refusal of refusals) {
              if (refusal.pattern.test(result)) {
                throw new CoercionError(table.name, column.name, formatColumnType(column.type), shortValue(value), refusal.reason);
              }
            }
            return result;
          }
        : coerceValue;
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
    const names = this.#names;
    const encoders = this.#encoders;
    const width = names.length;
    const encoded = new Array<unknown[]>(rows.length);
    let at = 0;
    try {
      for (; at < rows.length; at += 1) {
        const row = rows[at]!;
        const values = new Array<unknown>(width);
        for (let index = 0; index < width; index += 1) values[index] = encoders[index]!(row[names[index]!]);
        encoded[at] = values;
      }
    } catch (error) {
      // The caller knows where row i came from (a page, a record): tell it which.
      throw error instanceof CoercionError && error.row === undefined ? error.placed({ row: at }) : error;
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

interface Refusal {
  readonly pattern: { test(text: string): boolean };
  readonly reason: string;
}

// In JSON text an escape counts when an even number of backslashes precedes it
// (`\\u0000` is a backslash and the text u0000). JSON.stringify escapes only
// lone surrogates, so any `\udXXX` in its output is one.
const NUL_CHARACTER = { test: (text: string) => text.includes('\u0000') };
const NUL_ESCAPE = /(?<!\\)(?:\\\\)*\\u0000/;
const LONE_SURROGATE_ESCAPE = /(?<!\\)(?:\\\\)*\\ud[89a-f][0-9a-f]{2}/;

/** What a column of `type` cannot hold in this database beyond what coercion refuses everywhere; `undefined` for nothing. */
function dialectRefusals(type: ColumnType, dialect: StoreDialect): Refusal[] | undefined {
  const refusals: Refusal[] = [];
  const nul = `cannot hold the NUL character (U+0000) in this database (${dialect.name})`;
  if (type.kind === 'text' && !dialect.textHoldsNul) refusals.push({ pattern: NUL_CHARACTER, reason: `text ${nul}` });
  if (type.kind === 'json' && !dialect.textHoldsNul) refusals.push({ pattern: NUL_ESCAPE, reason: `strings inside json ${nul}` });
  if (type.kind === 'json' && !dialect.jsonHoldsLoneSurrogates) {
    const reason = `strings inside json cannot hold half of a UTF-16 surrogate pair in this database (${dialect.name})`;
    refusals.push({ pattern: LONE_SURROGATE_ESCAPE, reason });
  }
  return refusals.length > 0 ? refusals : undefined;
}
