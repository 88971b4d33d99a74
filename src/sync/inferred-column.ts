import { SchemaError } from '../errors/schema-error.js';
import { type ColumnType, formatColumnType } from '../store/column-type.js';
import { joinTypes, mixesKinds, sameType, wideningKind } from '../store/column-widening.js';
import { describeValue } from '../util/describe-value.js';

/** What an inferred column may become, from the resource's `undeclared` and whether its table is frozen. */
export interface InferencePolicy {
  readonly table: string;
  /** `undeclared: evolve`: a column may also widen to text or json. */
  readonly evolve: boolean;
  /** `undeclared: freeze` on a table that existed when the run started: no column changes. */
  readonly frozen: boolean;
}

/**
 * One column typed from the data: the type its table has (`base`, unknown
 * until the table has the column) and the narrowest type holding every value
 * seen since the table last changed. It refuses, naming the field and the
 * value, a change its policy does not allow.
 */
export class InferredColumn {
  readonly name: string;
  /** The record field it holds (or the placeholder of a parent link). */
  readonly field: string;
  #base: ColumnType | undefined;
  #seen: ColumnType | undefined;
  /** Values since the last change mixed kinds (a number and a string): only `evolve` takes that. */
  #mixed = false;

  constructor(name: string, field: string, base: ColumnType | undefined) {
    this.name = name;
    this.field = field;
    this.#base = base;
  }

  /** The type the column needs for the values seen so far, `undefined` before any. */
  get type(): ColumnType | undefined {
    if (this.#base === undefined) return this.#seen;
    return this.#seen === undefined ? this.#base : joinTypes(this.#base, this.#seen);
  }

  /** The type the table has, `undefined` when the column is not in it yet. */
  get base(): ColumnType | undefined {
    return this.#base;
  }

  /** Whether the table must gain or widen this column before the values seen can be written. */
  get pending(): boolean {
    const type = this.type;
    return type !== undefined && (this.#base === undefined || !sameType(type, this.#base));
  }

  /** Takes in one value of type `type` (see `valueType`), or throws a {@link SchemaError}. */
  observe(type: ColumnType, value: unknown, policy: InferencePolicy): void {
    // The common case: a value like the ones before, already checked.
    if (this.#seen !== undefined && sameType(this.#seen, type)) return;
    const seen = this.#seen === undefined ? type : joinTypes(this.#seen, type);
    const mixed = this.#mixed || (this.#seen !== undefined && mixesKinds(this.#seen, type));
    const needed = this.#base === undefined ? seen : joinTypes(this.#base, seen);
    const change = this.#base === undefined ? (mixed ? 'kind' : 'none') : wideningKind(this.#base, needed);
    if (change !== 'none') this.#refuse(change, needed, value, policy);
    this.#seen = seen;
    this.#mixed = mixed;
  }

  /** The table now has the column, of `type`; values seen since are checked against it. */
  applied(type: ColumnType): void {
    this.#base = type;
  }

  #refuse(change: 'numeric' | 'kind' | undefined, needed: ColumnType, value: unknown, policy: InferencePolicy): void {
    const field = `field "${this.field}"`;
    const shown = describeValue(value);
    const was =
      this.#base === undefined
        ? `other records give it ${formatColumnType(this.#seen ?? needed)}`
        : `column ${this.name} is ${formatColumnType(this.#base)}`;
    if (policy.frozen) {
      throw new SchemaError(
        policy.table,
        `${field}: ${was} and a record has ${shown}, which needs ${formatColumnType(needed)}; undeclared: freeze keeps the columns as they are: declare it under columns, or allow the change with undeclared: infer or evolve`,
      );
    }
    if (change === 'numeric' || (change === 'kind' && policy.evolve)) return;
    throw new SchemaError(
      policy.table,
      `${field}: ${was} and a record has ${shown}; holding both needs ${formatColumnType(needed)}, which undeclared: infer does not turn a column into: declare it under columns (e.g. ${this.field}: ${formatColumnType(needed)}), or set undeclared: evolve to let inferred columns widen to text and json`,
    );
  }
}
