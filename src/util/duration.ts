/**
 * A span of time: a number of milliseconds, or a string with a unit such as
 * `'500ms'`, `'60s'`, `'10m'`, `'1h'`, `'1d'` (the config file's vocabulary).
 */
export type Duration = number | string;

const UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  sec: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const PATTERN = /^\s*(\d+(?:\.\d+)?)\s*(ms|sec|s|min|m|h|d)\s*$/;

/** Parses a {@link Duration} into milliseconds, throwing a `RangeError` that quotes the bad input. */
export function parseDuration(value: Duration): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) {
      throw new RangeError(`invalid duration ${String(value)}: expected a non-negative number of milliseconds`);
    }
    return value;
  }
  const match = PATTERN.exec(value);
  if (!match) {
    throw new RangeError(`invalid duration "${value}": expected a number with a unit (ms, s, m, h, d), e.g. "60s"`);
  }
  return Number(match[1]) * (UNITS[match[2] as string] as number);
}
