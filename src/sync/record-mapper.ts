import { isLosslessNumber } from 'lossless-json';
import type { ResolvedColumn, ResolvedResource } from '../config/types.js';
import { SchemaError } from '../errors/schema-error.js';
import type { ColumnType } from '../store/column-type.js';
import type { ColumnDef, Row, TableDef } from '../store/types.js';
import { jsonPath } from '../util/json-path.js';
import { snakeCase } from '../util/snake-case.js';

/** Column keeping undeclared fields with `undeclared: json`. */
export const EXTRA_COLUMN = '_extra';

/**
 * Turns API records into rows of a resource's table. Declared columns read
 * their field path; undeclared top-level fields are, per `undeclared`:
 * - `infer`: given a column of their own, typed from the first non-null value
 *   (boolean → boolean, integer → bigint, other number → decimal, string →
 *   text, object/array → json) and remembered, also across runs (the table
 *   already has the column);
 * - `json`: kept together in one `_extra` json column;
 * - `ignore`: dropped.
 */
export class RecordMapper {
  readonly #resource: ResolvedResource;
  readonly #declared: readonly (ResolvedColumn & { read: (record: unknown) => unknown })[];
  /** Top-level fields a declared column reads (fully or partly). */
  readonly #declaredFields: ReadonlySet<string>;
  /** field → inferred column. */
  readonly #inferred = new Map<string, ColumnDef>();
  /** column name → inferred column, including those found in the table. */
  readonly #inferredByColumn = new Map<string, ColumnDef>();
  /** Column names in use, so an inferred name never shadows a declared one. */
  readonly #taken = new Set<string>();
  #grew = true;

  constructor(resource: ResolvedResource, existing: readonly { name: string; type: ColumnType | undefined }[] = []) {
    this.#resource = resource;
    const parentColumns = new Set(resource.parent?.links.map((link) => link.column) ?? []);
    this.#declared = resource.columns
      .filter((column) => !parentColumns.has(column.name))
      .map((column) => ({ ...column, read: reader(column.field) }));
    this.#declaredFields = new Set(this.#declared.map((column) => (jsonPath(column.field).segments[0] ?? '').toString()));
    for (const column of resource.table.columns) this.#taken.add(column.name);
    if (resource.undeclared === 'infer') {
      // Columns a previous run inferred: keep their types so runs agree.
      for (const column of existing) {
        if (this.#taken.has(column.name) || !column.type) continue;
        this.#taken.add(column.name);
        this.#inferredByColumn.set(column.name, { name: column.name, type: column.type });
      }
    }
  }

  /** The table with every column known so far; `changed` is true when it grew since the last call. */
  table(): { table: TableDef; changed: boolean } {
    const changed = this.#grew;
    this.#grew = false;
    const extra: ColumnDef[] = [];
    if (this.#resource.undeclared === 'json') extra.push({ name: EXTRA_COLUMN, type: { kind: 'json' } });
    const inferred = [...this.#inferredByColumn.values()];
    return { table: { ...this.#resource.table, columns: [...this.#resource.table.columns, ...extra, ...inferred] }, changed };
  }

  /** Maps one record; `parentValues` fill the parent link columns of a child resource. */
  map(record: unknown, parentValues: Readonly<Record<string, unknown>> = {}): Row {
    const row: Row = { ...parentValues };
    for (const column of this.#declared) row[column.name] = column.read(record);
    if (record === null || typeof record !== 'object' || Array.isArray(record)) return row;
    const mode = this.#resource.undeclared;
    if (mode === 'ignore') return row;
    let extra: Record<string, unknown> | undefined;
    for (const [field, value] of Object.entries(record)) {
      if (this.#declaredFields.has(field)) continue;
      if (mode === 'json') {
        extra ??= {};
        extra[field] = value;
        continue;
      }
      const column = this.#inferredColumn(field, value);
      if (column) row[column.name] = value;
    }
    if (mode === 'json') row[EXTRA_COLUMN] = extra ?? null;
    return row;
  }

  #inferredColumn(field: string, value: unknown): ColumnDef | undefined {
    const known = this.#inferred.get(field);
    if (known) {
      this.#check(field, known, value);
      return known;
    }
    const name = snakeCase(field);
    const existing = this.#inferredByColumn.get(name);
    if (existing) {
      this.#inferred.set(field, existing);
      this.#check(field, existing, value);
      return existing;
    }
    if (value === null || value === undefined) return undefined; // typed once a value shows up
    if (this.#taken.has(name)) return undefined; // a declared column already has that name
    const column: ColumnDef = { name, type: inferType(value) };
    this.#taken.add(name);
    this.#inferred.set(field, column);
    this.#inferredByColumn.set(name, column);
    this.#grew = true;
    return column;
  }

  /** An inferred integer column must not silently round a later fraction. */
  #check(field: string, column: ColumnDef, value: unknown): void {
    if ((column.type.kind === 'bigint' || column.type.kind === 'integer') && isFraction(value)) {
      throw new SchemaError(
        this.#resource.table.name,
        `field "${field}" was inferred as ${column.type.kind} from earlier records, but a record has ${String(value)}; declare it in columns, e.g. ${field}: decimal`,
      );
    }
  }
}

function reader(field: string): (record: unknown) => unknown {
  const path = jsonPath(field);
  return (record) => path.get(record);
}

function inferType(value: unknown): ColumnType {
  if (typeof value === 'boolean') return { kind: 'boolean' };
  if (typeof value === 'bigint') return { kind: 'bigint' };
  if (typeof value === 'number') return Number.isInteger(value) ? { kind: 'bigint' } : { kind: 'decimal', precision: 0, scale: 0 };
  if (isLosslessNumber(value)) return { kind: 'decimal', precision: 0, scale: 0 };
  if (typeof value === 'string') return { kind: 'text' };
  return { kind: 'json' };
}

function isFraction(value: unknown): boolean {
  if (typeof value === 'number') return !Number.isInteger(value);
  if (isLosslessNumber(value)) return /[.eE]/.test(value.value);
  return false;
}
