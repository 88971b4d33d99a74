import type { ResolvedResource } from '../config/types.js';
import { IncrementalCursorError } from '../errors/incremental-cursor-error.js';
import { parseDuration } from '../util/duration.js';

/** The time range one run asks for: from its start (the mark minus `lookback`) to `until`, in windows. */
export interface IncrementalRange {
  /** `null`: from the beginning (no mark and no `initial`). */
  readonly since: string | null;
  /** `null`: no end is sent (a plain incremental resource). */
  readonly until: string | null;
}

/** Whether the resource asks in windows (or up to an end): its walk is one per window. */
export function isWindowed(resource: ResolvedResource): boolean {
  const incremental = resource.incremental;
  return (
    incremental !== undefined && (incremental.window !== undefined || incremental.endParam !== undefined || incremental.end !== undefined)
  );
}

/** Where a new run starts: the stored mark minus `lookback`, or `initial` before any mark exists. */
export function rangeStart(resource: ResolvedResource, mark: string | null | undefined): string | null {
  const incremental = resource.incremental;
  if (!incremental) return null;
  if (mark === null || mark === undefined) return incremental.initial === undefined ? null : String(incremental.initial);
  if (incremental.lookback === undefined && incremental.window === undefined) return mark;
  const at = instant(resource, mark);
  return new Date(at - parseDuration(incremental.lookback ?? 0)).toISOString();
}

/** Where a new windowed run ends: `end` if set (a bounded backfill), else now. */
export function rangeEnd(resource: ResolvedResource, now: Date = new Date()): string | null {
  if (!isWindowed(resource)) return null;
  const end = resource.incremental?.end;
  return end === undefined ? now.toISOString() : new Date(Date.parse(end)).toISOString();
}

/** The window starting at `start`: as long as `window` (or up to `until`), never past `until`. */
export function windowEnd(resource: ResolvedResource, start: string | null, until: string): string {
  const length = resource.incremental?.window;
  if (start === null || length === undefined) return until;
  const end = instant(resource, start) + parseDuration(length);
  return end >= Date.parse(until) ? until : new Date(end).toISOString();
}

/** Whether a window starting at `start` is still before `until`. */
export function windowLeft(resource: ResolvedResource, start: string | null, until: string): boolean {
  return start === null || instant(resource, start) < Date.parse(until);
}

/** Whether a cursor value is older than `since` (by time when both are instants, as text otherwise). */
export function isOlder(value: string, since: string): boolean {
  const a = Date.parse(value);
  const b = Date.parse(since);
  if (!Number.isNaN(a) && !Number.isNaN(b)) return a < b;
  return value < since;
}

function instant(resource: ResolvedResource, value: string): number {
  const at = Date.parse(value);
  if (Number.isNaN(at)) throw new IncrementalCursorError(resource.id, value);
  return at;
}
