import { type RawBuilder, sql } from 'kysely';
import { BrowseError } from '../errors/browse-error.js';
import type { FilterOperator } from './browse-types.js';
import type { ColumnType } from './column-type.js';
import { normalizeTimestampText } from './timestamp-text.js';

/** A column as the browser sorts, compares and searches it. */
export interface BrowseColumn {
  readonly name: string;
  readonly type: ColumnType | undefined;
}

type Sql = RawBuilder<unknown>;

/**
 * The SQL the data browser writes that differs between databases, as data.
 * SQLite keeps decimals as text so their digits stay exact: they sort and
 * compare through a REAL cast (numeric order; digits beyond a double's only
 * matter to tell ties, which the key then orders). PostgreSQL's numeric
 * compares exactly as it is.
 */
export interface BrowseDialect {
  /** How a column is ordered and compared. */
  orderExpression(column: BrowseColumn): Sql;
  /** A bound value compared with {@link BrowseDialect.orderExpression}. */
  comparable(column: BrowseColumn, value: unknown): Sql;
  /** The column as text, for `contains` and the search box. */
  text(column: BrowseColumn): Sql;
  /** Case-insensitive LIKE. */
  readonly like: Sql;
  /** Turns a value's text (from a cursor, a key or a filter) into what the driver binds. */
  bind(type: ColumnType | undefined, text: string): unknown;
  /** Rows of a table without a primary key are told apart and ordered by this. */
  readonly position: { readonly select: Sql; compare(op: '<' | '>' | '=', value: string): Sql };
}

const NUMERIC_KINDS = new Set(['integer', 'bigint', 'float', 'decimal']);
const INTEGER_TEXT = /^[+-]?\d+$/;

const sqliteBrowse: BrowseDialect = {
  orderExpression: (column) => (column.type?.kind === 'decimal' ? sql`CAST(${sql.id(column.name)} AS REAL)` : sql.id(column.name)),
  comparable: (column, value) => (column.type?.kind === 'decimal' ? sql`CAST(${value} AS REAL)` : sql`${value}`),
  text: (column) => sql`CAST(${sql.id(column.name)} AS TEXT)`,
  like: sql`LIKE`,
  bind(type, text) {
    switch (type?.kind) {
      case 'integer':
      case 'bigint':
        return INTEGER_TEXT.test(text) ? BigInt(text) : Number(text);
      case 'boolean':
        return text === 'true' || text === '1' ? 1n : 0n;
      case 'float':
        return Number(text);
      default:
        return text;
    }
  },
  position: {
    select: sql`rowid`,
    compare(op, value) {
      if (!INTEGER_TEXT.test(value)) throw new BrowseError('cursor', 'the cursor holds no row position');
      return sql`rowid ${sql.raw(op)} ${BigInt(value)}`;
    },
  },
};

const postgresBrowse: BrowseDialect = {
  orderExpression: (column) => sql.id(column.name),
  // Untyped parameters take the column's type from the comparison.
  comparable: (_column, value) => sql`${value}`,
  text: (column) => sql`${sql.id(column.name)}::text`,
  like: sql`ILIKE`,
  bind: (_type, text) => text,
  position: { select: sql`ctid`, compare: (op, value) => sql`ctid ${sql.raw(op)} ${value}::tid` },
};

export function browseDialect(name: 'sqlite' | 'postgres'): BrowseDialect {
  return name === 'sqlite' ? sqliteBrowse : postgresBrowse;
}

/** `%text%` for LIKE, with the wildcards of `text` taken literally (escape `\`). */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

export function likeCondition(dialect: BrowseDialect, column: BrowseColumn, text: string): Sql {
  return sql`${dialect.text(column)} ${dialect.like} ${containsPattern(text)} ESCAPE '\\'`;
}

const COMPARISONS: Readonly<Record<Exclude<FilterOperator, 'contains' | 'null' | 'notnull'>, string>> = {
  eq: '=',
  ne: '<>',
  lt: '<',
  le: '<=',
  gt: '>',
  ge: '>=',
};

/** One filter as a condition; a value that cannot be one of the column's is a {@link BrowseError}. */
export function filterCondition(dialect: BrowseDialect, column: BrowseColumn, op: FilterOperator, value: string | undefined): Sql {
  const name = sql.id(column.name);
  if (op === 'null') return sql`${name} IS NULL`;
  if (op === 'notnull') return sql`${name} IS NOT NULL`;
  if (value === undefined) throw new BrowseError('filter', `filter ${op} on ${column.name} needs a value`);
  if (op === 'contains') return likeCondition(dialect, column, value);
  const text = filterText(column, value);
  return sql`${dialect.orderExpression(column)} ${sql.raw(COMPARISONS[op])} ${dialect.comparable(column, dialect.bind(column.type, text))}`;
}

const NUMBER_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const BOOLEAN_TEXT = new Map([
  ['true', 'true'],
  ['t', 'true'],
  ['yes', 'true'],
  ['1', 'true'],
  ['false', 'false'],
  ['f', 'false'],
  ['no', 'false'],
  ['0', 'false'],
]);

/** A filter's value checked against its column's type, in the form the database compares. */
function filterText(column: BrowseColumn, value: string): string {
  const kind = column.type?.kind;
  const text = value.trim();
  if (kind !== undefined && NUMERIC_KINDS.has(kind)) {
    if (!NUMBER_TEXT.test(text)) throw new BrowseError('filter', `${column.name} holds numbers; "${value}" is not one`);
    return text;
  }
  if (kind === 'boolean') {
    const normalized = BOOLEAN_TEXT.get(text.toLowerCase());
    if (normalized === undefined) throw new BrowseError('filter', `${column.name} holds true or false; "${value}" is neither`);
    return normalized;
  }
  if (kind === 'timestamp') {
    const iso = normalizeTimestampText(text);
    if (iso === undefined)
      throw new BrowseError('filter', `${column.name} holds timestamps; "${value}" is not one (e.g. 2024-05-01T12:00:00Z)`);
    return iso;
  }
  return value;
}
