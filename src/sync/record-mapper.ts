import type { ResolvedResource } from '../config/types.js';
import { SchemaError } from '../errors/schema-error.js';
import { type ColumnType, formatColumnType } from '../store/column-type.js';
import { type ColumnWidening, isInferableType, valueType } from '../store/column-widening.js';
import type { ColumnDef, Row, TableDef } from '../store/types.js';
import { jsonPath } from '../util/json-path.js';
import { snakeCase } from '../util/snake-case.js';
import { type InferencePolicy, InferredColumn } from './inferred-column.js';

/** Column keeping undeclared fields with `undeclared: json`. */
export const EXTRA_COLUMN = '_extra';

const JSON_TYPE: ColumnType = { kind: 'json' };

/** Records whose field names a never-filled column's warning looks among for the field it probably meant. */
const SAMPLED_RECORDS = 100;

/** What the mapper starts from: the table as it is. */
export interface MapperStart {
  /** The table's columns (for a resumed replace, its staging table's); empty when there is no table yet. */
  readonly existing: readonly { readonly name: string; readonly type: ColumnType | undefined }[];
  /** Whether the table existed when the run started: `undeclared: freeze` keeps such a table's columns. */
  readonly tableExists: boolean;
  /** Parent-link columns the config could not type: the type of the parent table's column. */
  readonly linkTypes?: ReadonlyMap<string, ColumnType> | undefined;
}

/** The table the rows mapped so far need. */
export interface TableNeeds {
  /** Every column; `undefined` while a key column has had no value to be typed from, or no column is known. */
  readonly table: TableDef | undefined;
  /** The table must gain or widen columns before these rows can be written. */
  readonly changed: boolean;
  /** Columns it has that must widen first. */
  readonly widen: readonly ColumnWidening[];
}

/**
 * Turns API records into rows of a resource's table. Declared columns read
 * their field path (`user.login`). Key columns the config does not type, and
 * undeclared top-level fields under `infer`, `evolve` and `freeze`, get a
 * column named in snake_case and typed from every value seen (see
 * {@link InferredColumn}); the types the table already has are the start,
 * so runs agree. `json` keeps undeclared fields in one `_extra` column,
 * `ignore` drops them. A field that only part of is declared (`user` when a
 * column reads `user.login`) still counts as undeclared, so nothing is lost.
 * Two fields that would fill one column (`userId` and `user_id`) are an error
 * naming both.
 */
export class RecordMapper {
  readonly #resource: ResolvedResource;
  readonly #policy: InferencePolicy;
  readonly #typed: readonly { readonly name: string; readonly read: (record: unknown) => unknown }[];
  readonly #keys: readonly { readonly column: InferredColumn; readonly read: (record: unknown) => unknown }[];
  readonly #links: readonly { readonly name: string; readonly column: InferredColumn | undefined; readonly type: ColumnType | undefined }[];
  /** Top-level fields a declared column reads whole: not inferred again. */
  readonly #declaredFields: ReadonlySet<string>;
  /** Lower-cased column name → the field that fills it. */
  readonly #owners = new Map<string, string>();
  /** Undeclared field → its column name. */
  readonly #byField = new Map<string, string>();
  /** Columns typed from the data, in table order. */
  readonly #inferred = new Map<string, InferredColumn>();
  /** Columns the table has whose type inference does not touch (a bounded decimal, a timestamp), or cannot read (`undefined`). */
  readonly #fixed = new Map<string, ColumnType | undefined>();
  #table: TableDef | undefined;
  /** Declared columns whose field no record has had yet; emptied as fields appear, so the check costs one lookup per column while it lasts. */
  readonly #unfilled = new Set<number>();
  /** Top-level field names of the first {@link SAMPLED_RECORDS} records, for naming the field a never-filled column probably meant. */
  readonly #sampleFields = new Set<string>();
  #records = 0;

  constructor(resource: ResolvedResource, start: MapperStart) {
    this.#resource = resource;
    const frozen = resource.undeclared === 'freeze' && start.tableExists;
    this.#policy = { table: resource.table.name, evolve: resource.undeclared === 'evolve', frozen };
    const existing = new Map(start.existing.map((column) => [column.name, column.type]));
    const linked = new Set(resource.parent?.links.map((link) => link.column) ?? []);
    const typed: { name: string; read: (record: unknown) => unknown }[] = [];
    const keys: { column: InferredColumn; read: (record: unknown) => unknown }[] = [];
    const links: { name: string; column: InferredColumn | undefined; type: ColumnType | undefined }[] = [];
    for (const column of resource.columns) {
      this.#owners.set(column.name.toLowerCase(), column.field);
      if (linked.has(column.name)) {
        const inferred = column.type ? undefined : this.#infer(column.name, column.field, existing.get(column.name));
        links.push({ name: column.name, column: inferred, type: column.type ?? start.linkTypes?.get(column.name) });
      } else if (column.type) {
        typed.push({ name: column.name, read: reader(column.field) });
      } else {
        keys.push({ column: this.#infer(column.name, column.field, existing.get(column.name)), read: reader(column.field) });
      }
    }
    [this.#typed, this.#keys, this.#links] = [typed, keys, links];
    for (let index = 0; index < typed.length; index += 1) this.#unfilled.add(index);
    this.#declaredFields = new Set(resource.columns.map((column) => column.field));
    if (resource.undeclared === 'json') this.#owners.set(EXTRA_COLUMN, EXTRA_COLUMN);
    if (resource.undeclared === 'json' || resource.undeclared === 'ignore') return;
    // Columns earlier runs inferred: fields claim them by name, and their types are where inference starts.
    for (const [name, type] of existing) {
      if (this.#owners.has(name.toLowerCase())) continue;
      if (type !== undefined && isInferableType(type)) this.#infer(name, name, type);
      else this.#fixed.set(name, type);
    }
  }

  /** Maps one record; `parentValues` fill the parent link columns of a child resource. */
  map(record: unknown, parentValues: Readonly<Record<string, unknown>> = {}): Row {
    const row: Row = {};
    for (const link of this.#links) {
      const value = parentValues[link.name];
      row[link.name] = value;
      if (link.column) this.#observe(link.column, value, link.type);
    }
    this.#records += 1;
    for (const column of this.#typed) row[column.name] = column.read(record);
    if (this.#unfilled.size > 0) this.#noteFilled(row, record);
    for (const key of this.#keys) {
      const value = key.read(record);
      row[key.column.name] = value;
      this.#observe(key.column, value);
    }
    if (record === null || typeof record !== 'object' || Array.isArray(record)) return row;
    const mode = this.#resource.undeclared;
    if (mode === 'ignore') return row;
    let extra: Record<string, unknown> | undefined;
    // Keys, not entries: a [field, value] pair per field of every record was most of the mapper's garbage.
    for (const field of Object.keys(record)) {
      if (this.#declaredFields.has(field)) continue;
      const value = (record as Record<string, unknown>)[field];
      if (mode === 'json') {
        extra ??= {};
        extra[field] = value;
        continue;
      }
      const name = this.#claim(field, value);
      if (name !== undefined) row[name] = value;
    }
    if (mode === 'json') row[EXTRA_COLUMN] = extra ?? null;
    return row;
  }

  /**
   * Declared columns whose field no record mapped so far had at all, each with
   * the record field it probably meant (`postId` for a column declared as
   * `post_id`): such a column stays NULL, which is rarely what was meant.
   */
  unfilled(): { readonly column: string; readonly field: string; readonly likely: string | undefined }[] {
    if (this.#records === 0) return [];
    return [...this.#unfilled].map((index) => {
      const { name } = this.#typed[index] as { name: string };
      const field = this.#resource.columns.find((column) => column.name === name)?.field ?? name;
      const wanted = [name.toLowerCase(), field.toLowerCase()];
      const likely = [...this.#sampleFields].find(
        (candidate) => wanted.includes(snakeCase(candidate).toLowerCase()) && candidate !== field,
      );
      return { column: name, field, likely };
    });
  }

  #noteFilled(row: Row, record: unknown): void {
    for (const index of this.#unfilled) {
      const value = row[(this.#typed[index] as { name: string }).name];
      // A field sent as null is there (a `deleted_at` that is null in every row is fine); only an absent one is suspicious.
      if (value !== undefined) this.#unfilled.delete(index);
    }
    // The first records are sample enough to name a likely field; later ones would only add a per-record cost.
    if (this.#records <= SAMPLED_RECORDS && record !== null && typeof record === 'object' && !Array.isArray(record)) {
      for (const field of Object.keys(record)) this.#sampleFields.add(field);
    }
  }

  /** The table the rows mapped so far need, and what must change in it first. */
  needs(): TableNeeds {
    const widen: ColumnWidening[] = [];
    let changed = false;
    for (const column of this.#inferred.values()) {
      if (!column.pending) continue;
      changed = true;
      const { base, type } = column;
      if (base !== undefined && type !== undefined)
        widen.push({ table: this.#resource.table.name, column: column.name, from: base, to: type });
    }
    if (changed || this.#table === undefined) this.#table = this.#build();
    return { table: this.#table, changed, widen };
  }

  /** The table now is `table` (what {@link needs} gave; records mapped since may need more). */
  applied(table: TableDef): void {
    for (const column of table.columns) this.#inferred.get(column.name)?.applied(column.type);
  }

  /** The column a top-level undeclared field fills, created when new; `undefined` while it has only been null. */
  #claim(field: string, value: unknown): string | undefined {
    let name = this.#byField.get(field);
    if (name === undefined) {
      name = snakeCase(field);
      const owner = this.#owners.get(name.toLowerCase());
      if (owner !== undefined && owner !== field) this.#collision(field, owner, name, value);
      this.#owners.set(name.toLowerCase(), field);
      this.#byField.set(field, name);
    }
    const inferred = this.#inferred.get(name);
    if (inferred) {
      this.#observe(inferred, value);
      return name;
    }
    if (this.#fixed.has(name)) {
      if (this.#fixed.get(name) === undefined) {
        throw new SchemaError(
          this.#resource.table.name,
          `field "${field}" would fill column ${name}, whose type is not one Siphon creates; declare the field under columns with another name, or set undeclared: ignore`,
        );
      }
      return name;
    }
    if (value === null || value === undefined) return undefined;
    if (this.#policy.frozen) {
      throw new SchemaError(
        this.#resource.table.name,
        `field "${field}" has no column, and undeclared: freeze keeps the columns as they are: declare it under columns, or set undeclared: infer to add it`,
      );
    }
    this.#observe(this.#infer(name, field, undefined), value);
    return name;
  }

  #infer(name: string, field: string, base: ColumnType | undefined): InferredColumn {
    const column = new InferredColumn(name, field, base);
    this.#inferred.set(name, column);
    return column;
  }

  #observe(column: InferredColumn, value: unknown, type?: ColumnType | undefined): void {
    if (value === null || value === undefined) return;
    column.observe(type ?? (valueType(value) as ColumnType), value, this.#policy);
  }

  #collision(field: string, owner: string, name: string, value: unknown): never {
    const type = formatColumnType(valueType(value) ?? { kind: 'text' });
    throw new SchemaError(
      this.#resource.table.name,
      `fields "${owner}" and "${field}" would both fill column ${name}; give one a column of its own under columns (e.g. ${field}: { name: ${name}_2, type: ${type} }), or set undeclared: ignore`,
    );
  }

  #build(): TableDef | undefined {
    const columns: ColumnDef[] = [];
    const placed = new Set<string>();
    const add = (name: string, type: ColumnType | undefined): void => {
      if (type === undefined || placed.has(name)) return;
      placed.add(name);
      columns.push({ name, type });
    };
    for (const column of this.#resource.columns) add(column.name, column.type ?? this.#inferred.get(column.name)?.type);
    if (this.#resource.undeclared === 'json') add(EXTRA_COLUMN, JSON_TYPE);
    for (const column of this.#inferred.values()) add(column.name, column.type);
    for (const [name, type] of this.#fixed) add(name, type);
    const keyed = this.#resource.table.primaryKey.every((key) => placed.has(key));
    return keyed && columns.length > 0 ? { ...this.#resource.table, columns } : undefined;
  }
}

function reader(field: string): (record: unknown) => unknown {
  return jsonPath(field).get;
}
