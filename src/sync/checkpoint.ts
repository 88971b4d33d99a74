import type { PageToken } from '../pagination/types.js';
import type { JsonValue } from '../util/json.js';

/** Where a run stands; committed with every batch, read back to resume. */
export interface SyncCheckpoint {
  /** Token of the next page of the current walk (`null`: from its first page). */
  readonly page: PageToken | null;
  /** The walk is over; only the run's completion is left. */
  readonly done: boolean;
  /** Child resources: the next parent row to walk, by position and key. */
  readonly parent?: { readonly index: number; readonly key: readonly JsonValue[] } | undefined;
  /** Incremental: the high-water mark the run started from, and the largest cursor committed since. */
  readonly since?: string | null | undefined;
  readonly maxCursor?: string | null | undefined;
  /** Incremental windows: where the run's range ends, and where the window being walked starts. */
  readonly until?: string | null | undefined;
  readonly windowStart?: string | null | undefined;
  /** The last totals of records and pages the walk's pages announced, so a resumed run still checks them. */
  readonly total?: number | null | undefined;
  readonly totalPages?: number | null | undefined;
}

/** Reads a checkpoint stored by an earlier attempt; anything unexpected means "start over". */
export function readCheckpoint(value: JsonValue | null): SyncCheckpoint | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const record = value as Record<string, JsonValue>;
  const page = record.page;
  if (page !== null && (typeof page !== 'object' || Array.isArray(page))) return undefined;
  const parent = record.parent as { index?: unknown; key?: unknown } | undefined;
  return {
    page: (page as PageToken | null) ?? null,
    done: record.done === true,
    parent:
      parent && typeof parent.index === 'number' && Array.isArray(parent.key)
        ? { index: parent.index, key: parent.key as JsonValue[] }
        : undefined,
    since: typeof record.since === 'string' ? record.since : null,
    maxCursor: typeof record.maxCursor === 'string' ? record.maxCursor : null,
    until: typeof record.until === 'string' ? record.until : null,
    windowStart: typeof record.windowStart === 'string' ? record.windowStart : null,
    total: count(record.total),
    totalPages: count(record.totalPages),
  };
}

function count(value: JsonValue | undefined): number | null {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : null;
}

/** The larger of two cursor values: numerically when both are numbers, else as text (ISO dates sort as text). */
export function maxCursor(a: string | null | undefined, b: string | null | undefined): string | null {
  if (a === null || a === undefined) return b ?? null;
  if (b === null || b === undefined) return a;
  const integer = /^-?\d+$/;
  if (integer.test(a) && integer.test(b)) return BigInt(a) >= BigInt(b) ? a : b;
  const numeric = /^-?\d+(\.\d+)?$/;
  if (numeric.test(a) && numeric.test(b)) return Number(a) >= Number(b) ? a : b;
  return a >= b ? a : b;
}
