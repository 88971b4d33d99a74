import { BrowseError } from '../errors/browse-error.js';
import { stringifyJson } from '../util/exact-json.js';

/** Where a page ended, in the order it was read: the sort value and the key of its edge row, as text. */
export interface BrowseCursor {
  /** The sort column the cursor belongs to (`''` for key order) and its direction. */
  readonly sort: string;
  readonly direction: 'asc' | 'desc';
  readonly value: string | null;
  readonly key: readonly (string | null)[];
}

/** A raw driver value as cursor text: exact for bigints, decimals, doubles (shortest round trip) and JSON. */
export function valueText(raw: unknown): string | null {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'bigint' || typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  return stringifyJson(raw);
}

export function encodeCursor(cursor: BrowseCursor): string {
  return Buffer.from(JSON.stringify([cursor.sort, cursor.direction, cursor.value, cursor.key])).toString('base64url');
}

/** Reads a cursor, refusing one made for another order (the view changed under it). */
export function decodeCursor(text: string, sort: string, direction: 'asc' | 'desc', keyLength: number): BrowseCursor {
  const parsed = parseBase64Json(text, 'cursor');
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 4 ||
    typeof parsed[0] !== 'string' ||
    (parsed[1] !== 'asc' && parsed[1] !== 'desc') ||
    !isText(parsed[2]) ||
    !isTextList(parsed[3], keyLength)
  ) {
    throw new BrowseError('cursor', 'the cursor is not one this table gave');
  }
  if (parsed[0] !== sort || parsed[1] !== direction) {
    throw new BrowseError('cursor', 'the cursor belongs to another sort order; start again from the first page');
  }
  return { sort, direction, value: parsed[2], key: parsed[3] };
}

export function encodeKey(key: readonly (string | null)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeKey(text: string, keyLength: number): (string | null)[] {
  const parsed = parseBase64Json(text, 'key');
  if (!isTextList(parsed, keyLength)) throw new BrowseError('key', 'the row key is not one this table gave');
  return parsed;
}

function parseBase64Json(text: string, field: string): unknown {
  try {
    return JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw new BrowseError(field, `the ${field} is not one this table gave`);
  }
}

function isText(value: unknown): value is string | null {
  return value === null || typeof value === 'string';
}

function isTextList(value: unknown, length: number): value is (string | null)[] {
  return Array.isArray(value) && value.length === length && value.every(isText);
}
