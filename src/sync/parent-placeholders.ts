import type { ParentLink } from '../config/types.js';

/**
 * `value` (a resource's params or body) with each `{parent.field}`
 * placeholder replaced by the parent row's value. A string that is exactly
 * one placeholder takes the value as it is, so `{ "owner": "{users.id}" }`
 * sends a number (a bigint included) where the parent has one; inside other
 * text the value is written as text.
 */
export function fillParentValues<T>(value: T, links: readonly ParentLink[], parentRow: Readonly<Record<string, unknown>>): T {
  if (links.length === 0) return value;
  const parentValue = (link: ParentLink): unknown => scalar(parentRow[link.parentColumn]);
  const fill = (item: unknown): unknown => {
    if (typeof item === 'string') {
      const whole = links.find((link) => link.placeholder === item);
      if (whole !== undefined) return parentValue(whole);
      let text = item;
      for (const link of links) if (text.includes(link.placeholder)) text = text.replaceAll(link.placeholder, String(parentValue(link)));
      return text;
    }
    if (Array.isArray(item)) return item.map(fill);
    if (item !== null && typeof item === 'object')
      return Object.fromEntries(Object.entries(item).map(([key, inner]) => [key, fill(inner)]));
    return item;
  };
  return fill(value) as T;
}

/** A stored value as a request can carry it: numbers, bigints, booleans and strings as they are, anything else as text. */
function scalar(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean' || typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  return String(value);
}
