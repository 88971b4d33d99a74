import { ConfigError } from '../errors/config-error.js';
import { PaginationError } from '../errors/pagination-error.js';
import { type JsonPath, jsonPath } from '../util/json-path.js';
import { checkedString, thrown } from '../util/option-fields.js';

/** The `records` option, for the config file and the walk alike: `'auto'` or a JSON path, with at most one `[*]`. */
export const recordsPathSchema = checkedString('"auto" or a JSON path such as "data.items", "$" or "data.events.edges[*].node"', (v) =>
  v === 'auto' ? undefined : thrown(() => parseSelector(v)),
);

/** `prefix[*].inner`: the array at `prefix`, each element replaced by what `inner` names in it. */
interface RecordsSelector {
  readonly array: JsonPath;
  readonly each: JsonPath | undefined;
}

/** Keys searched, in order, for the records array of an object body. */
export const RECORDS_KEYS: readonly string[] = ['data', 'results', 'items', 'records'];

/**
 * The records of a page. Without `path` (or with `'auto'`) the body itself
 * when it is an array, else the first array under `data`, `results`, `items`
 * or `records`. With a path, the array there; an object there is one record
 * and `null` an empty page. Anything else throws a `PaginationError` that
 * says what the body holds, so a wrong path is fixed from the message alone.
 *
 * @param paginator names the strategy in error messages.
 */
export function selectRecords(body: unknown, path?: string, paginator = 'records'): unknown[] {
  if (path === undefined || path === 'auto') {
    if (Array.isArray(body)) return body;
    if (!isObject(body)) {
      throw new PaginationError(paginator, `no records: the body is ${kindOf(body)}, expected a JSON array or object`);
    }
    const key = autoKey(body);
    if (key !== undefined) return body[key] as unknown[];
    // A wrapper announcing "no results" with null instead of [] is an empty page.
    if (RECORDS_KEYS.some((k) => body[k] === null)) return [];
    throw new PaginationError(
      paginator,
      `no records array found at ${RECORDS_KEYS.join(', ')}; top-level keys: ${keysOf(body)}${hint(body)}`,
    );
  }

  const selector = parse(path);
  const value = selector.array.get(body);
  if (selector.each !== undefined) return eachRecord(value, selector.array.source, selector.each, paginator, path);
  if (Array.isArray(value)) return value;
  if (value === null) return [];
  if (isObject(value)) return [value];
  if (value === undefined) {
    const found = isObject(body) ? `top-level keys: ${keysOf(body)}` : `the body is ${kindOf(body)}`;
    throw new PaginationError(paginator, `records path "${path}" not found; ${found}`);
  }
  throw new PaginationError(paginator, `records path "${path}" holds ${kindOf(value)}, expected an array or an object`);
}

/** Which default path would select the records of `body` (`'$'`, `'data'`, …), for `siphon check`. */
export function describeRecordsPath(body: unknown): string | undefined {
  if (Array.isArray(body)) return '$';
  return isObject(body) ? autoKey(body) : undefined;
}

function autoKey(body: Record<string, unknown>): string | undefined {
  return RECORDS_KEYS.find((key) => Array.isArray(body[key]));
}

/*
 * One `[*]` maps an array's elements to a field of each: GraphQL's
 * `data.issues.edges[*].node`. One only, so a path still names one list.
 */
function parseSelector(path: string): RecordsSelector {
  const star = /\[\s*\*\s*\]/.exec(path);
  if (star === null) return { array: jsonPath(path), each: undefined };
  const rest = path.slice(star.index + star[0].length);
  if (/\[\s*\*\s*\]/.test(rest)) throw new SyntaxError(`invalid records path "${path}": only one [*] is supported`);
  const inner = rest.replace(/^\./, '');
  return { array: jsonPath(path.slice(0, star.index) || '$'), each: inner === '' ? undefined : jsonPath(inner) };
}

function parse(path: string): RecordsSelector {
  try {
    return parseSelector(path);
  } catch (cause) {
    throw new ConfigError('records', (cause as Error).message, { cause });
  }
}

function eachRecord(value: unknown, at: string, each: JsonPath, paginator: string, path: string): unknown[] {
  if (value === null) return [];
  if (!Array.isArray(value)) {
    const found = value === undefined ? 'not found' : `holds ${kindOf(value)}`;
    throw new PaginationError(paginator, `records path "${path}": "${at}" ${found}, expected an array`);
  }
  return value.map((item, index) => {
    const record = each.get(item);
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      throw new PaginationError(
        paginator,
        `records path "${path}": "${each.source}" of element ${index} is ${record === undefined ? 'missing' : kindOf(record)}, expected an object`,
      );
    }
    return record;
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.length > 40 ? `a string ("${value.slice(0, 37)}...")` : `a string ("${value}")`;
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value} (${String(value)})`;
}

function keysOf(body: Record<string, unknown>): string {
  const keys = Object.keys(body);
  if (keys.length === 0) return '(none)';
  return keys.length > 20 ? `${keys.slice(0, 20).join(', ')}, … (${keys.length} in all)` : keys.join(', ');
}

// Points at the array the user most likely meant, e.g. CoinGecko's `coins`.
function hint(body: Record<string, unknown>): string {
  const arrays = Object.keys(body).filter((key) => Array.isArray(body[key]));
  if (arrays.length === 0) return '';
  return `; set the records path, e.g. "${arrays[0]}"`;
}
