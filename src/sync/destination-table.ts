import type { ResolvedResource } from '../config/types.js';
import { SchemaError } from '../errors/schema-error.js';
import type { ColumnType } from '../store/column-type.js';
import { type ColumnWidening, wideningKind } from '../store/column-widening.js';
import { stagingTable } from '../store/identifier.js';
import type { BatchWrite, ColumnInfo, Store, TableDef } from '../store/types.js';
import { RecordMapper } from './record-mapper.js';

/** The table a batch is written to, and what must change in it first. */
export type BatchTable = Pick<BatchWrite, 'table' | 'evolve'>;

/**
 * The table a run writes to. Columns the config does not type are typed
 * from the records, so the table is created with the first batch when
 * nothing else settles its columns, and it may grow or widen between
 * batches; each change commits with the batch that needs it. A replace
 * changes its staging table during the run and the table itself only when
 * the staged rows are swapped in.
 */
export class DestinationTable {
  /**
   * Reads the table as it is and, when the config alone settles it, creates
   * it or adds the declared columns it lacks now, so a declaration that
   * disagrees with the database fails before the walk; for `replace` also its
   * staging table: empty when `freshStaging`, else the one a resumed run filled.
   */
  static async open(
    store: Store,
    resource: ResolvedResource,
    parent: ResolvedResource | undefined,
    freshStaging: boolean,
  ): Promise<DestinationTable> {
    const name = resource.table.name;
    const main = (await store.hasTable(name)) ? await store.tableColumns(name) : undefined;
    // A resumed replace writes on into its staging table, which may have grown beyond the table.
    const staging = resource.write === 'replace' && !freshStaging ? stagingTable(name) : undefined;
    const resumed = staging !== undefined && (await store.hasTable(staging));
    const existing = resumed ? await store.tableColumns(staging) : (main ?? []);
    const mapper = new RecordMapper(resource, {
      existing,
      tableExists: main !== undefined,
      linkTypes: await linkTypes(store, resource, parent),
    });
    const destination = new DestinationTable(store, resource, mapper, freshStaging, main);
    const { table } = mapper.needs();
    if (table) {
      // A resumed replace's table was settled by its first attempt, and may be narrower than its staging table.
      if (!resumed) await store.ensureTable(table);
      if (resource.write === 'replace') await store.prepareReplace(table, freshStaging);
      destination.#prepared = true;
    }
    return destination;
  }

  /** Maps records to rows; it learns the inferred columns. */
  readonly mapper: RecordMapper;
  readonly #store: Store;
  readonly #resource: ResolvedResource;
  readonly #freshStaging: boolean;
  /** The table's columns when the run started, `undefined` when it had none. */
  readonly #main: readonly ColumnInfo[] | undefined;
  /** A replace's staging table exists for this run. */
  #prepared = false;

  private constructor(
    store: Store,
    resource: ResolvedResource,
    mapper: RecordMapper,
    freshStaging: boolean,
    main: readonly ColumnInfo[] | undefined,
  ) {
    this.#store = store;
    this.#resource = resource;
    this.mapper = mapper;
    this.#freshStaging = freshStaging;
    this.#main = main;
  }

  /**
   * The table the rows mapped so far go to, with the changes they need
   * first; `undefined` while there is no table to write and no row needs one.
   * Call {@link committed} once the batch is written.
   */
  async prepare(rows: number): Promise<BatchTable | undefined> {
    const needs = this.mapper.needs();
    if (!needs.table) {
      if (rows === 0) return undefined;
      const untyped = this.#resource.columns.filter(
        (column) => column.type === undefined && this.#resource.table.primaryKey.includes(column.name),
      );
      throw new SchemaError(
        this.#resource.table.name,
        untyped.length > 0
          ? `primaryKey field ${untyped.map((column) => `"${column.field}"`).join(', ')} is missing or null in every record so far, so its column has no type; declare it under columns`
          : 'the records so far have no field with a value to make a column of; declare columns',
      );
    }
    if (!this.#prepared) {
      if (this.#resource.write === 'replace') await this.#store.prepareReplace(needs.table, this.#freshStaging);
      this.#prepared = true;
    }
    return { table: needs.table, evolve: needs.changed ? { widen: needs.widen } : undefined };
  }

  /** The batch written with `table` committed: its columns are the table's now. */
  committed(table: BatchTable | undefined): void {
    if (table) this.mapper.applied(table.table);
  }

  /**
   * What completing the run needs: the final table (`undefined` when none
   * was ever written) and, for a replace, the widenings its staging table
   * made that the table takes on when the rows are swapped in.
   */
  finish(): { table: TableDef | undefined; widen: ColumnWidening[] } {
    const { table } = this.mapper.needs();
    if (!table || !this.#prepared) return { table: undefined, widen: [] };
    const before = new Map<string, ColumnType | undefined>(this.#main?.map((column) => [column.name, column.type]));
    const widen = table.columns.flatMap((column): ColumnWidening[] => {
      const from = before.get(column.name);
      const kind = from && wideningKind(from, column.type);
      return from && kind && kind !== 'none' ? [{ table: table.name, column: column.name, from, to: column.type }] : [];
    });
    return { table, widen };
  }
}

/** The parent table's type of each parent-link column the config does not type (the parent's key typed from its data). */
async function linkTypes(store: Store, resource: ResolvedResource, parent: ResolvedResource | undefined): Promise<Map<string, ColumnType>> {
  const types = new Map<string, ColumnType>();
  const links = resource.parent?.links ?? [];
  if (!parent || !links.some((link) => resource.columns.find((column) => column.name === link.column)?.type === undefined)) return types;
  if (!(await store.hasTable(parent.table.name))) return types;
  const columns = new Map((await store.tableColumns(parent.table.name)).map((column) => [column.name, column.type]));
  for (const link of links) {
    const type = columns.get(link.parentColumn);
    if (type) types.set(link.column, type);
  }
  return types;
}
