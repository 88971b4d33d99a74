import type { ResolvedResource } from '../config/types.js';
import type { Store, TableDef } from '../store/types.js';
import { RecordMapper } from './record-mapper.js';

/**
 * The table a run writes to. Columns the config does not declare are inferred
 * from the records as they come, so the table (and a replace's staging table)
 * may have to grow between batches; {@link evolve} does that before each write.
 */
export class DestinationTable {
  /**
   * Creates the table or adds the declared columns it lacks, and for
   * `replace` its staging table: empty when `freshStaging`, else the one a
   * resumed run already filled.
   */
  static async open(store: Store, resource: ResolvedResource, freshStaging: boolean): Promise<DestinationTable> {
    const name = resource.table.name;
    const existing = (await store.hasTable(name)) ? await store.tableColumns(name) : [];
    const destination = new DestinationTable(store, resource, new RecordMapper(resource, existing));
    const { table } = destination.mapper.table();
    await store.ensureTable(table);
    if (resource.write === 'replace') await store.prepareReplace(table, freshStaging);
    return destination;
  }

  /** Maps records to rows; it learns the inferred columns. */
  readonly mapper: RecordMapper;
  readonly #store: Store;
  readonly #resource: ResolvedResource;

  private constructor(store: Store, resource: ResolvedResource, mapper: RecordMapper) {
    this.#store = store;
    this.#resource = resource;
    this.mapper = mapper;
  }

  /** The table as the records mapped so far need it, grown first if they brought new columns. */
  async evolve(): Promise<TableDef> {
    const { table, changed } = this.mapper.table();
    if (changed) {
      await this.#store.ensureTable(table);
      if (this.#resource.write === 'replace') await this.#store.prepareReplace(table, false);
    }
    return table;
  }
}
