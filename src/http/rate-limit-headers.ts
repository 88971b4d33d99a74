import type { RateLimitObservation, ServerRateInfo } from './types.js';

/**
 * Milliseconds a `Retry-After` value asks to wait: delta-seconds (decimals
 * tolerated) or an HTTP-date (RFC 9110 §10.2.3), never negative. `undefined`
 * when the header is absent or unreadable.
 */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  const seconds = parseNumber(text);
  if (seconds !== undefined) return Math.ceil(seconds * 1000);
  const at = parseHttpDate(text);
  return at === undefined ? undefined : Math.max(0, at - now);
}

/**
 * Reads every rate-limit header convention in use: `Retry-After`, the
 * `X-RateLimit-*` / `X-Rate-Limit-*` family, and each published shape of
 * draft-ietf-httpapi-ratelimit-headers. When a response carries several,
 * the most restrictive (fewest requests remaining) wins. Values that cannot
 * be read are ignored: a malformed header must never fail a request.
 */
export function parseRateLimitHeaders(headers: Headers, now = Date.now()): ServerRateInfo {
  const candidates = [
    ietfCombined(headers, now),
    separate(headers, 'ratelimit-', now),
    separate(headers, 'x-ratelimit-', now),
    separate(headers, 'x-rate-limit-', now),
  ].filter((c): c is RateLimitObservation => c !== undefined);
  const withRemaining = candidates.filter((c) => c.remaining !== undefined);
  const chosen =
    withRemaining.length > 0
      ? withRemaining.reduce((best, c) => ((c.remaining as number) < (best.remaining as number) ? c : best))
      : candidates[0];
  return compact({ ...chosen, retryAfterMs: parseRetryAfter(headers.get('retry-after'), now) });
}

/**
 * `<prefix>Limit`, `<prefix>Remaining`, `<prefix>Reset` (and `Reset-After`):
 * GitHub's and Twitter's `X-` headers and drafts 00–02 of the IETF document.
 */
function separate(headers: Headers, prefix: string, now: number): RateLimitObservation | undefined {
  const limit = parseCount(headers.get(`${prefix}limit`));
  const remaining = parseCount(headers.get(`${prefix}remaining`));
  // `Reset-After` is relative by definition and immune to clock skew, so it wins.
  const after = parseNumber(headers.get(`${prefix}reset-after`)?.trim() ?? '');
  const resetAt = after !== undefined ? Math.ceil(now + after * 1000) : parseReset(headers.get(`${prefix}reset`), now);
  return limit === undefined && remaining === undefined && resetAt === undefined ? undefined : { limit, remaining, resetAt };
}

/**
 * The single `RateLimit` field: a dictionary `limit=100, remaining=50, reset=5`
 * (drafts 03–07), or a list of policies `"default";r=50;t=30` whose quotas
 * `RateLimit-Policy: "default";q=100;w=60` announces (drafts 08 and later).
 */
function ietfCombined(headers: Headers, now: number): RateLimitObservation | undefined {
  const field = headers.get('ratelimit');
  if (field === null) return undefined;
  const dictionary: Record<string, string> = {};
  const policies: { name: string; params: Record<string, string> }[] = [];
  for (const member of splitOutside(field, ',')) {
    const [head = '', ...rest] = splitOutside(member, ';');
    const eq = head.indexOf('=');
    if (eq > 0) dictionary[head.slice(0, eq).trim().toLowerCase()] = head.slice(eq + 1).trim();
    else if (head !== '') policies.push({ name: unquote(head), params: parseParams(rest) });
  }
  if (policies.length > 0) return ietfPolicies(policies, headers.get('ratelimit-policy'), now);
  const limit = parseCount(dictionary.limit ?? null);
  const remaining = parseCount(dictionary.remaining ?? null);
  const resetAt = parseReset(dictionary.reset ?? null, now);
  return limit === undefined && remaining === undefined && resetAt === undefined ? undefined : { limit, remaining, resetAt };
}

function ietfPolicies(
  policies: readonly { name: string; params: Record<string, string> }[],
  policyField: string | null,
  now: number,
): RateLimitObservation | undefined {
  const readable = policies
    .map((p) => ({ name: p.name, remaining: parseCount(p.params.r ?? null), resetIn: parseNumber(p.params.t ?? '') }))
    .filter((p) => p.remaining !== undefined);
  if (readable.length === 0) return undefined;
  // The policy with the fewest requests left is the one that will refuse first.
  const tightest = readable.reduce((best, p) => ((p.remaining as number) < (best.remaining as number) ? p : best));
  const quotas =
    policyField === null
      ? []
      : splitOutside(policyField, ',').map((member) => {
          const [head = '', ...rest] = splitOutside(member, ';');
          return { name: unquote(head), quota: parseCount(parseParams(rest).q ?? null) };
        });
  const quota = quotas.find((q) => q.name === tightest.name) ?? (quotas.length === 1 ? quotas[0] : undefined);
  return {
    limit: quota?.quota,
    remaining: tightest.remaining,
    resetAt: tightest.resetIn === undefined ? undefined : Math.ceil(now + tightest.resetIn * 1000),
  };
}

/**
 * A reset in any of the conventions servers use: above 1e12 epoch
 * milliseconds, above 1e9 epoch seconds (both are after 2001), otherwise
 * seconds from now; an HTTP-date is accepted too. Returned as epoch ms.
 */
function parseReset(value: string | null, now: number): number | undefined {
  const text = value?.trim() ?? '';
  if (text === '') return undefined;
  const n = parseNumber(text);
  if (n === undefined) return parseHttpDate(text);
  if (n > 1e12) return Math.ceil(n);
  if (n > 1e9) return Math.ceil(n * 1000);
  return Math.ceil(now + n * 1000);
}

/** A count such as `100`, or the leading count of `100, 100;w=60` (drafts 00–01 list policies after it). */
function parseCount(value: string | null): number | undefined {
  const match = value === null ? null : /^\s*(\d+)(?:\.\d+)?\s*(?:[,;].*)?$/.exec(value);
  return match ? Number(match[1]) : undefined;
}

function parseNumber(text: string): number | undefined {
  return /^\d+(?:\.\d+)?$/.test(text) ? Number(text) : undefined;
}

function parseParams(parts: readonly string[]): Record<string, string> {
  const params: Record<string, string> = {};
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq > 0) params[part.slice(0, eq).trim().toLowerCase()] = unquote(part.slice(eq + 1));
  }
  return params;
}

function unquote(text: string): string {
  const t = text.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).replace(/\\(.)/g, '$1') : t;
}

/** Splits on `separator` except inside double-quoted strings (structured field syntax). */
function splitOutside(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i] as string;
    if (quoted && ch === '\\' && i + 1 < text.length) {
      current += ch + (text[i + 1] as string);
      i += 1;
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (ch === separator && !quoted) {
      parts.push(current.trim());
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current.trim());
  return parts.filter((p) => p !== '');
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
/** IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT` and the obsolete RFC 850 `Sunday, 06-Nov-94 08:49:37 GMT`. */
const IMF_OR_RFC850 = /^(?:[a-z]{3,9},\s*)?(\d{1,2})[\s-]([a-z]{3})[\s-](\d{4}|\d{2})\s+(\d{2}):(\d{2}):(\d{2})(?:\s*(?:GMT|UTC))?$/i;
/** ANSI C `asctime()`: `Sun Nov  6 08:49:37 1994`. */
const ASCTIME = /^[a-z]{3}\s+([a-z]{3})\s+(\d{1,2})\s+(\d{2}):(\d{2}):(\d{2})\s+(\d{4})$/i;

/**
 * The three HTTP-date formats of RFC 9110 §5.6.7, as epoch ms. Written out
 * because `Date.parse` reads `asctime` in local time and accepts almost anything.
 */
function parseHttpDate(text: string): number | undefined {
  let day: string, month: string, year: string, hh: string, mm: string, ss: string;
  const imf = IMF_OR_RFC850.exec(text);
  const asc = imf ? null : ASCTIME.exec(text);
  if (imf) [, day = '', month = '', year = '', hh = '', mm = '', ss = ''] = imf;
  else if (asc) [, month = '', day = '', hh = '', mm = '', ss = '', year = ''] = asc;
  else return undefined;
  const monthIndex = MONTHS.indexOf(month.toLowerCase());
  let y = Number(year);
  if (year.length === 2) {
    // RFC 9110: a two-digit year more than 50 years ahead is in the past century.
    y += 2000;
    if (y > new Date().getUTCFullYear() + 50) y -= 100;
  }
  const [d, h, m, s] = [Number(day), Number(hh), Number(mm), Number(ss)];
  if (monthIndex < 0 || d < 1 || d > 31 || h > 23 || m > 59 || s > 60) return undefined;
  return Date.UTC(y, monthIndex, d, h, m, Math.min(s, 59));
}

function compact(info: ServerRateInfo): ServerRateInfo {
  const out: { -readonly [K in keyof ServerRateInfo]: ServerRateInfo[K] } = {};
  if (info.limit !== undefined) out.limit = info.limit;
  if (info.remaining !== undefined) out.remaining = info.remaining;
  if (info.resetAt !== undefined) out.resetAt = info.resetAt;
  if (info.retryAfterMs !== undefined) out.retryAfterMs = info.retryAfterMs;
  return out;
}
