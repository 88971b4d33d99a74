/*
 * The one spelling both dialects hand back for a timestamp:
 * `YYYY-MM-DDTHH:mm:ss.sssZ`, or `.ssssssZ` when the value carries
 * microseconds (PostgreSQL's precision), in the years 1–9999.
 */
import { type DecimalText, decimalToBigInt, integerDigits } from './decimal-text.js';

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?)?$/;

// 400 Gregorian years are exactly 146,097 days; shifting by that keeps
// Date.UTC away from its "years 0–99 mean 1900–1999" rule.
const GREGORIAN_CYCLE_MS = 146_097 * 86_400_000;
const MIN_MS = Date.UTC(2001, 0, 1) - 5 * GREGORIAN_CYCLE_MS; // 0001-01-01T00:00:00Z
const MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

// Epoch numbers below this are seconds (until the year 5138), above it
// milliseconds (from March 1973): the usual heuristic, and unambiguous for
// any date an API is likely to send.
const SECONDS_LIMIT = 100_000_000_000n;

/**
 * Normalizes an ISO-8601 date or date-time: an offset (`Z`, `+02:00`,
 * `-0500`, `+00`) is converted to UTC, a value without one is taken as UTC,
 * a date alone is midnight UTC. Fractions beyond microseconds are rounded.
 * `undefined` when the text is not such a date or names an impossible day.
 */
export function normalizeTimestampText(text: string): string | undefined {
  // Most APIs already send the canonical form: a Date round trip confirms it
  // (and that the day exists) for much less than the general path costs.
  if (isCanonical(text)) return text;
  const match = ISO.exec(text.trim());
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const [hour, minute, second] = [Number(match[4] ?? 0), Number(match[5] ?? 0), Number(match[6] ?? 0)];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  // 24:00:00 and leap seconds roll over, as PostgreSQL does.
  if (hour > 24 || minute > 59 || second > 60 || (hour === 24 && (minute > 0 || second > 0))) return undefined;
  let offsetMinutes = 0;
  if (match[9] !== undefined) {
    const [h, m, s] = [Number(match[10]), Number(match[11] ?? 0), Number(match[12] ?? 0)];
    if (h > 15 || m > 59 || s > 59) return undefined;
    offsetMinutes = (match[9] === '-' ? -1 : 1) * (h * 60 + m + s / 60);
  }
  const wallMs = Date.UTC(year + 400, month - 1, day, hour, minute, second) - GREGORIAN_CYCLE_MS;
  const micros = fractionMicros(match[7] ?? '');
  return formatTimestamp(Math.round(wallMs - offsetMinutes * 60_000) + Math.floor(micros / 1000), micros % 1000);
}

/**
 * Whether `text` is already `YYYY-MM-DDTHH:mm:ss.sssZ` naming a real
 * instant in the years 1–9999: most APIs send that, and checking it field by
 * field costs far less than parsing it.
 */
function isCanonical(text: string): boolean {
  if (text.length !== 24) return false;
  for (let index = 0; index < 24; index += 1) {
    const code = text.charCodeAt(index);
    const expected = CANONICAL_SEPARATORS[index];
    if (expected === undefined ? code < 48 || code > 57 : code !== expected) return false;
  }
  const year = number4(text, 0);
  const month = number2(text, 5);
  const day = number2(text, 8);
  return (
    year >= 1 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    number2(text, 11) <= 23 &&
    number2(text, 14) <= 59 &&
    number2(text, 17) <= 59
  );
}

/** Character codes at the separator positions of the canonical form; digits everywhere else. */
const CANONICAL_SEPARATORS: readonly (number | undefined)[] = Array.from({ length: 24 }, (_, index) =>
  '-:.TZ'.includes('YYYY-MM-DDTHH:mm:ss.sssZ'[index]!) ? 'YYYY-MM-DDTHH:mm:ss.sssZ'.charCodeAt(index) : undefined,
);

const number2 = (text: string, at: number): number => (text.charCodeAt(at) - 48) * 10 + text.charCodeAt(at + 1) - 48;
const number4 = (text: string, at: number): number => number2(text, at) * 100 + number2(text, at + 2);

/** Epoch seconds (below 10^11) or milliseconds, fractional digits kept to the microsecond. */
export function timestampFromEpoch(value: DecimalText): string | undefined {
  const seconds = integerDigits(value) <= 12 && decimalToBigInt({ ...value, negative: false }) < SECONDS_LIMIT;
  return formatEpochMicros(decimalToBigInt({ ...value, scale: value.scale - (seconds ? 6 : 3) }));
}

/** `undefined` outside the years 1–9999, which every dialect and `Date` agree on. */
export function formatEpochMicros(micros: bigint): string | undefined {
  const ms = micros >= 0n ? micros / 1000n : -((-micros + 999n) / 1000n);
  if (ms < BigInt(MIN_MS) || ms > BigInt(MAX_MS)) return undefined;
  return formatTimestamp(Number(ms), Number(micros - ms * 1000n));
}

/** `ms` since the epoch plus `subMicros` (0–999) microseconds. */
function formatTimestamp(ms: number, subMicros: number): string | undefined {
  if (ms < MIN_MS || ms > MAX_MS) return undefined;
  const iso = new Date(ms).toISOString();
  return subMicros === 0 ? iso : `${iso.slice(0, -1)}${String(subMicros).padStart(3, '0')}Z`;
}

/** Microseconds (0–1,000,000) of a fraction of a second, rounded half up past the sixth digit. */
function fractionMicros(fraction: string): number {
  if (fraction.length <= 6) return Number(fraction.padEnd(6, '0'));
  const micros = Number(fraction.slice(0, 6));
  return fraction.charCodeAt(6) >= 53 /* '5' */ ? micros + 1 : micros;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
