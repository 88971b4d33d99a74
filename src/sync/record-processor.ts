import { type AddedFieldContext, addedFieldValues } from '../config/record-fields.js';
import { compileFilter } from '../config/record-filter.js';
import type { ResolvedResource } from '../config/types.js';
import { RecordError } from '../errors/record-error.js';
import { describeValue } from '../util/describe-value.js';

/**
 * What a resource's record processing does to one record: the record to
 * store, or `undefined` when it is dropped. In order: `map` (code only),
 * `filter`, `exclude`, `addFields`. The walk has measured the page before
 * this (a short page is short by what the API sent, not by what is kept).
 */
export type RecordProcessor = (record: unknown, place: () => string) => unknown;

/** The processor of a resource for one run, or `undefined` when it has no processing to do. */
export function recordProcessor(resource: ResolvedResource, context: AddedFieldContext): RecordProcessor | undefined {
  const { map, filter, exclude, addFields } = resource;
  if (map === undefined && filter === undefined && exclude === undefined && addFields === undefined) return undefined;
  const keep = filter === undefined ? undefined : compileFilter(filter);
  const added = addFields === undefined ? undefined : Object.entries(addedFieldValues(addFields, context));
  return (record, place) => {
    let current: unknown = record;
    if (map !== undefined) {
      current = map(current as Record<string, unknown>);
      if (current === null || current === undefined) return undefined;
      if (typeof current !== 'object' || Array.isArray(current)) {
        throw new RecordError(
          resource.table.name,
          describeValue(current),
          place(),
          'map must return an object (or null to drop the record)',
        );
      }
    }
    if (keep !== undefined && !keep(current)) return undefined;
    if ((exclude === undefined && added === undefined) || current === null || typeof current !== 'object' || Array.isArray(current)) {
      return current;
    }
    const out: Record<string, unknown> = { ...(current as Record<string, unknown>) };
    for (const field of exclude ?? []) delete out[field];
    for (const [name, value] of added ?? []) out[name] = value;
    return out;
  };
}
