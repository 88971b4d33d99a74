/**
 * The instant every generated timestamp is measured from. Data must not
 * depend on the wall clock, or the same seed would give different bytes on
 * different days.
 */
export const DEMO_EPOCH_MS = Date.UTC(2024, 2, 14, 7, 10, 36, 635);

const DAY_MS = 86_400_000;

/** ISO timestamp `msBefore` milliseconds before the demo epoch, e.g. `2024-03-14T07:10:36.635Z`. */
export function isoBefore(msBefore: number): string {
  return new Date(DEMO_EPOCH_MS - msBefore).toISOString();
}

/** Milliseconds in `days` days, for readable offsets. */
export function days(count: number): number {
  return count * DAY_MS;
}
