import { type RawBuilder, sql } from 'kysely';
import { BrowseError } from '../errors/browse-error.js';
import { SchemaError } from '../errors/schema-error.js';
import { type BrowseCursor, decodeCursor, decodeKey, encodeCursor, encodeKey, valueText } from './browse-cursor.js';
import { type BrowseColumn, type BrowseDialect, browseDialect, filterCondition, likeCondition } from './browse-sql.js';
import type { BrowsePage, BrowseQuery, BrowseRow, BrowseView, SortDirection, StoreBrowse } from './browse-types.js';
import type { StoreConnection } from './store-dialect.js';
import type { ColumnInfo, QueryResult, Row } from './types.js';

type Sql = RawBuilder<unknown>;

/** Rows per page unless asked, and the most a page may hold. */
export const BROWSE_PAGE_DEFAULT = 50;
export const BROWSE_PAGE_MAX = 1000;

/** The selected name of a keyless table's row position. */
const POSITION = '__siphon_position';

/** A view resolved against the table as the database describes it. */
interface ResolvedView {
  readonly table: string;
  readonly columns: readonly ColumnInfo[];
  readonly primaryKey: readonly string[];
  /** The key columns, or none when rows are told apart by position. */
  readonly key: readonly BrowseColumn[];
  /** `undefined`: key order. */
  readonly sort: BrowseColumn | undefined;
  readonly direction: SortDirection;
  readonly where: readonly Sql[];
}

const flip = (direction: SortDirection): SortDirection => (direction === 'asc' ? 'desc' : 'asc');

/**
 * {@link StoreBrowse} over a {@link StoreConnection}. Pages are keyset pages:
 * the order is (sort column, then key) and a cursor holds the edge row's
 * values, so the next page is a WHERE on that order rather than an OFFSET
 * the database would have to count through. Reads go through the
 * connection's streams, which use SQLite's reader connection: a slow sort
 * never holds up a sync's writes.
 */
export class TableBrowser implements StoreBrowse {
  readonly #connection: StoreConnection;
  readonly #sql: BrowseDialect;

  constructor(connection: StoreConnection) {
    this.#connection = connection;
    this.#sql = browseDialect(connection.dialect.name);
  }

  async page(query: BrowseQuery): Promise<BrowsePage> {
    const view = await this.#resolve(query);
    const limit = Math.max(1, Math.min(Math.floor(query.limit ?? BROWSE_PAGE_DEFAULT), BROWSE_PAGE_MAX));
    if (query.after !== undefined && query.before !== undefined) throw new BrowseError('cursor', 'give after or before, not both');
    const cursorText = query.after ?? query.before;
    const sortName = view.sort?.name ?? '';
    const cursor = cursorText === undefined ? undefined : decodeCursor(cursorText, sortName, view.direction, Math.max(1, view.key.length));
    // The page before a cursor, and the last page, are read backwards and turned round.
    const backwards = query.before !== undefined || (query.last === true && query.after === undefined);
    const reading = backwards ? flip(view.direction) : view.direction;
    const where = cursor ? [...view.where, this.#beyond(view, reading, cursor)] : view.where;
    const raw = await this.#read(view, where, reading, limit + 1);
    const more = raw.length > limit;
    const rows = raw.slice(0, limit);
    if (backwards) rows.reverse();
    const edge = (row: Row | undefined): string | undefined =>
      row &&
      encodeCursor({
        sort: sortName,
        direction: view.direction,
        value: view.sort ? valueText(row[view.sort.name]) : null,
        key: this.#keyTexts(view, row),
      });
    const first = rows[0];
    const last = rows.at(-1);
    return {
      columns: view.columns,
      primaryKey: view.primaryKey,
      rows: rows.map((row) => this.#browseRow(view, row)),
      next: backwards ? (cursor ? edge(last) : undefined) : more ? edge(last) : undefined,
      previous: backwards ? (more ? edge(first) : undefined) : cursor ? edge(first) : undefined,
    };
  }

  async rows(view: BrowseView): Promise<QueryResult> {
    const resolved = await this.#resolve(view);
    const stream = await this.#connection.stream(this.#select(resolved, resolved.where, resolved.direction), BROWSE_PAGE_MAX);
    const decode = this.#decoder(resolved);
    async function* rows(): AsyncGenerator<Row> {
      for await (const row of stream.rows) yield decode(row);
    }
    return { columns: resolved.columns.map((column) => column.name), rows: rows() };
  }

  async count(view: BrowseView): Promise<number> {
    const resolved = await this.#resolve(view);
    const query = sql`SELECT count(*) AS "n" FROM ${sql.id(resolved.table)}${whereClause(resolved.where)}`.compile(this.#connection.db);
    for await (const row of (await this.#connection.stream(query, 1)).rows) return Number(row.n);
    return 0;
  }

  async row(table: string, key: string): Promise<Row | undefined> {
    const view = await this.#resolve({ table });
    const values = decodeKey(key, Math.max(1, view.key.length));
    const [found] = await this.#read(view, [this.#keyCompare(view, '=', values)], view.direction, 1);
    return found && this.#decoder(view)(found);
  }

  // ─── Internals ──────────────────────────────────────────────────────────

  async #resolve(view: BrowseView): Promise<ResolvedView> {
    const shape = await this.#connection.dialect.describeTable(this.#connection.db, view.table);
    if (!shape) throw new SchemaError(view.table, 'does not exist');
    const byName = new Map(shape.columns.map((column) => [column.name, column]));
    const column = (name: string, field: string): ColumnInfo => {
      const found = byName.get(name);
      if (!found) throw new BrowseError(field, `${view.table} has no column ${name}; it has ${[...byName.keys()].join(', ')}`);
      return found;
    };
    const key = shape.primaryKey.map((name) => column(name, 'key'));
    const sortColumn = view.sort ? column(view.sort.column, 'sort') : undefined;
    // Sorting by a one-column key is key order, which its index serves.
    const sort = sortColumn && !(key.length === 1 && key[0]?.name === sortColumn.name) ? sortColumn : undefined;
    const where: Sql[] = [];
    const search = view.search?.trim();
    if (search)
      where.push(
        sql`(${sql.join(
          shape.columns.map((each) => likeCondition(this.#sql, each, search)),
          sql` OR `,
        )})`,
      );
    for (const filter of view.filters ?? [])
      where.push(filterCondition(this.#sql, column(filter.column, 'filter'), filter.op, filter.value));
    return {
      table: view.table,
      columns: shape.columns,
      primaryKey: shape.primaryKey,
      key,
      sort,
      direction: view.sort?.direction ?? 'asc',
      where,
    };
  }

  /** Rows past the cursor in `reading` order; nulls sort after every value, so they come last ascending and first descending. */
  #beyond(view: ResolvedView, reading: SortDirection, cursor: BrowseCursor): Sql {
    const op = reading === 'asc' ? '>' : '<';
    const keyPast = this.#keyCompare(view, op, cursor.key);
    const { sort } = view;
    if (!sort) return keyPast;
    const column = sql.id(sort.name);
    const ordered = this.#sql.orderExpression(sort);
    if (cursor.value === null) {
      return reading === 'asc'
        ? sql`(${column} IS NULL AND ${keyPast})`
        : sql`((${column} IS NULL AND ${keyPast}) OR ${column} IS NOT NULL)`;
    }
    const value = this.#sql.comparable(sort, this.#sql.bind(sort.type, cursor.value));
    const past = sql`(${ordered} ${sql.raw(op)} ${value} OR (${ordered} = ${value} AND ${keyPast}))`;
    return reading === 'asc' ? sql`(${past} OR ${column} IS NULL)` : past;
  }

  #keyCompare(view: ResolvedView, op: '<' | '>' | '=', values: readonly (string | null)[]): Sql {
    if (view.key.length === 0) {
      const position = values[0];
      if (position === null || position === undefined) throw new BrowseError('cursor', 'the cursor holds no row position');
      return this.#sql.position.compare(op, position);
    }
    const bound = view.key.map((column, index) => {
      const text = values[index];
      if (text === null || text === undefined) throw new BrowseError('cursor', `the cursor holds no value for key column ${column.name}`);
      return sql`${this.#sql.bind(column.type, text)}`;
    });
    const columns = view.key.map((column) => sql.id(column.name));
    if (columns.length === 1) return sql`${columns[0]} ${sql.raw(op)} ${bound[0]}`;
    return sql`(${sql.join(columns)}) ${sql.raw(op)} (${sql.join(bound)})`;
  }

  #select(view: ResolvedView, where: readonly Sql[], reading: SortDirection, limit?: number) {
    const columns = view.columns.map((column) => sql.id(column.name));
    if (view.key.length === 0) columns.push(sql`${this.#sql.position.select} AS ${sql.id(POSITION)}`);
    const direction = sql.raw(reading === 'asc' ? 'ASC' : 'DESC');
    const order: Sql[] = [];
    if (view.sort)
      order.push(sql`${this.#sql.orderExpression(view.sort)} ${direction} ${sql.raw(reading === 'asc' ? 'NULLS LAST' : 'NULLS FIRST')}`);
    if (view.key.length === 0) order.push(sql`${this.#sql.position.select} ${direction}`);
    for (const column of view.key) order.push(sql`${sql.id(column.name)} ${direction}`);
    const limitClause = limit === undefined ? sql`` : sql` LIMIT ${sql.lit(limit)}`;
    return sql`SELECT ${sql.join(columns)} FROM ${sql.id(view.table)}${whereClause(where)} ORDER BY ${sql.join(order)}${limitClause}`.compile(
      this.#connection.db,
    );
  }

  async #read(view: ResolvedView, where: readonly Sql[], reading: SortDirection, limit: number): Promise<Row[]> {
    const rows: Row[] = [];
    for await (const row of (await this.#connection.stream(this.#select(view, where, reading, limit), limit)).rows) rows.push(row);
    return rows;
  }

  #keyTexts(view: ResolvedView, raw: Row): (string | null)[] {
    return view.key.length === 0 ? [valueText(raw[POSITION])] : view.key.map((column) => valueText(raw[column.name]));
  }

  #browseRow(view: ResolvedView, raw: Row): BrowseRow {
    return { key: encodeKey(this.#keyTexts(view, raw)), values: this.#decoder(view)(raw) };
  }

  #decoders = new WeakMap<ResolvedView, (raw: Row) => Row>();

  /** Normalizes raw driver values as every store read does (bigint, exact decimals, ISO timestamps, parsed JSON). */
  #decoder(view: ResolvedView): (raw: Row) => Row {
    let decode = this.#decoders.get(view);
    if (!decode) {
      const decoders = view.columns.map((column) => [column.name, this.#connection.dialect.fromDriver(column.type)] as const);
      decode = (raw) => {
        const row: Row = {};
        for (const [name, from] of decoders) row[name] = from(raw[name]);
        return row;
      };
      this.#decoders.set(view, decode);
    }
    return decode;
  }
}

function whereClause(where: readonly Sql[]): Sql {
  return where.length === 0 ? sql`` : sql` WHERE ${sql.join(where, sql` AND `)}`;
}
