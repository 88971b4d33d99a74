/** A short description of a config value for messages: `"four"`, `0`, `null`, `a list`, `a mapping`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return typeof value;
}

/** `is required` for a missing value, else `expected <what>, got <value>`. */
export function expected(what: string, got: unknown): string {
  return got === undefined ? `is required (${what})` : `expected ${what}, got ${describeValue(got)}`;
}
