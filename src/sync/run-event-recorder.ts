import type { RunEventInput, StoreRunEvents } from '../store/run-history-types.js';
import type { JsonValue } from '../util/json.js';
import { errorChainJson } from './error-chain.js';
import type { SyncEvent } from './sync-events.js';

export interface RunEventRecorderOptions {
  /**
   * Events buffered before they are written.
   * @default 50
   */
  readonly batch?: number | undefined;
  /**
   * Longest an event waits in the buffer, so a live view lags by about this much.
   * @default 500
   */
  readonly intervalMs?: number | undefined;
}

/** Fields every sync event carries that the timeline row already says. */
const IMPLIED = new Set(['type', 'resource', 'runId', 'run', 'error']);

/**
 * Writes a run's {@link SyncEvent}s to its timeline (`store.runs.events`), a
 * few at a time. Best effort: a failed write loses those events, never the
 * run. Events before the run has an id (waiting for a lease) are kept until
 * it has one. Disposing writes what is left.
 */
export class RunEventRecorder implements AsyncDisposable {
  readonly #events: StoreRunEvents;
  readonly #batch: number;
  readonly #intervalMs: number;
  #runId: number | undefined;
  #buffer: RunEventInput[] = [];
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();

  constructor(events: StoreRunEvents, options: RunEventRecorderOptions = {}) {
    this.#events = events;
    this.#batch = options.batch ?? 50;
    this.#intervalMs = options.intervalMs ?? 500;
  }

  /** A listener that records each event, then hands it to `next`. */
  tap(next?: ((event: SyncEvent) => void) | undefined): (event: SyncEvent) => void {
    return (event) => {
      this.record(event);
      next?.(event);
    };
  }

  record(event: SyncEvent): void {
    const at = new Date().toISOString();
    if (event.type === 'skipped') {
      // A skip is a run row of its own, with this one event.
      this.#write(event.run.id, [{ at, type: 'skipped', data: { reason: event.reason } }]);
      return;
    }
    if (event.type === 'run-start') this.#runId = event.runId;
    this.#buffer.push({ at, type: event.type, data: eventData(event) });
    if (event.type === 'run-end' || this.#buffer.length >= this.#batch) this.flush();
    else this.#timer ??= setTimeout(() => this.flush(), this.#intervalMs).unref();
  }

  /** Starts writing the buffered events; resolves once everything asked so far is written (or given up). */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#runId !== undefined && this.#buffer.length > 0) {
      const events = this.#buffer;
      this.#buffer = [];
      this.#write(this.#runId, events);
    }
    return this.#writing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.flush();
  }

  #write(runId: number, events: readonly RunEventInput[]): void {
    this.#writing = this.#writing.then(() => this.#events.append(runId, events)).catch(() => undefined);
  }
}

function eventData(event: SyncEvent): JsonValue {
  const data: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(event)) {
    if (IMPLIED.has(key)) continue;
    const json = jsonSafe(value, 0);
    if (json !== undefined) data[key] = json;
  }
  if (event.type === 'run-end') {
    const { run, error } = event;
    Object.assign(data, {
      status: run.status,
      attempt: run.attempt,
      pages: run.pages,
      records: run.records,
      error: error ? errorChainJson(error) : null,
    });
  }
  return data;
}

/** A value as JSON: bigints as digit strings, errors as their chain; functions and undefined dropped. */
function jsonSafe(value: unknown, depth: number): JsonValue | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) return errorChainJson(value);
  if (value instanceof Date) return value.toISOString();
  if (typeof value !== 'object' || depth > 4) return undefined;
  if (Array.isArray(value)) return value.map((item) => jsonSafe(item, depth + 1) ?? null);
  const out: Record<string, JsonValue> = {};
  for (const [key, item] of Object.entries(value)) {
    const json = jsonSafe(item, depth + 1);
    if (json !== undefined) out[key] = json;
  }
  return out;
}
