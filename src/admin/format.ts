import { stringifyJson } from '../util/exact-json.js';

/** `1,234,567`. */
export function formatCount(value: number | bigint): string {
  return value.toLocaleString('en-US');
}

/** `850 ms`, `12.3 s`, `4 min 05 s`, `2 h 03 min`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(Math.floor(seconds % 60)).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** `2024-05-01 12:00:03Z`: UTC, to the second, one format everywhere. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '–';
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** `3 min ago`, `in 42 s`. */
export function relativeTime(iso: string | null | undefined, now: number): string {
  if (!iso) return 'never';
  const delta = Date.parse(iso) - now;
  const text = formatDuration(Math.abs(delta)).replace(/ \d+ (s|min)$/, '');
  return delta >= 0 ? `in ${text}` : `${text} ago`;
}

/** A run's duration so far (or in all, once finished). */
export function runDuration(run: { startedAt: string; finishedAt: string | null }, now: number): number {
  return (run.finishedAt ? Date.parse(run.finishedAt) : now) - Date.parse(run.startedAt);
}

/**
 * A cell's text with its exact digits: bigints and decimal strings as they
 * are, JSON values as compact exact JSON; `null` is for the caller to mark.
 */
export function cellText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return stringifyJson(value);
}

/** Text cut to `max` characters, with an ellipsis. */
export function truncate(text: string, max = 120): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
