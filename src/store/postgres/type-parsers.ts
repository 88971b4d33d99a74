import pg from 'pg';
import { parseJson } from '../../util/exact-json.js';
import { normalizeTimestampText } from '../timestamp-text.js';

type TypeParser = (text: string) => unknown;

/** Type OIDs from pg_type. */
const OID = {
  int8: 20,
  json: 114,
  date: 1082,
  timestamp: 1114,
  timestamptz: 1184,
  numeric: 1700,
  jsonb: 3802,
} as const;

const timestamp: TypeParser = (text) => normalizeTimestampText(text) ?? text;

/**
 * Text parsers giving the store's normalized values: int8 → `bigint`,
 * numeric → its exact digits, timestamps → ISO-8601 UTC strings (a
 * `timestamp` without zone is taken as UTC), date → `YYYY-MM-DD`, json and
 * jsonb → exact JSON values. Everything else keeps pg's defaults.
 */
const PARSERS = new Map<number, TypeParser>([
  [OID.int8, (text) => BigInt(text)],
  [OID.numeric, (text) => text],
  [OID.timestamptz, timestamp],
  [OID.timestamp, timestamp],
  [OID.date, (text) => text],
  [OID.json, (text) => parseJson(text)],
  [OID.jsonb, (text) => parseJson(text)],
]);

/**
 * Handed to each pool as its `types`, so Siphon's parsing never leaks into
 * other users of `pg` in the same process (pg's global `types` stays untouched).
 */
export const storeTypeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): unknown {
    if (format !== 'binary') {
      const parser = PARSERS.get(oid);
      if (parser) return parser;
    }
    return format === undefined ? pg.types.getTypeParser(oid) : pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;
