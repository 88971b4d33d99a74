/**
 * A record field as a SQL column name, the way dlt names columns: camelCase
 * split into words, anything outside `[a-z0-9_]` turned into `_`, a leading
 * digit prefixed with `_`. `userId` → `user_id`, `ath_date` stays,
 * `X-Rate` → `x_rate`.
 */
export function snakeCase(field: string): string {
  const words = field
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_+|_+$/g, '');
  const name = words === '' ? 'field' : words;
  return /^[0-9]/.test(name) ? `_${name}` : name;
}
