import type { FaultKind } from './faults.js';

export interface DemoApiStats {
  /** Requests that arrived, `/__stats` excluded. */
  requests: number;
  /** Responses an endpoint sent in full (any status), including stalled requests answered late. */
  served: number;
  /** 429s from the rate limiter. */
  rejected: number;
  faults: { serverError: number; tooManyRequests: number; reset: number; truncate: number; stall: number };
  /** Successful 2xx responses for a path+query already served successfully before. */
  refetched: number;
  /** Arrivals per path (query excluded). */
  byPath: Record<string, number>;
  /** Epoch ms of every arrival, `/__stats` excluded. */
  arrivals: number[];
}

/** Counts what the server saw, so tests can judge a client by its traffic. */
export class StatsRecorder {
  #stats = emptyStats();
  #succeeded = new Set<string>();

  arrival(path: string, now: number): void {
    this.#stats.requests += 1;
    this.#stats.byPath[path] = (this.#stats.byPath[path] ?? 0) + 1;
    this.#stats.arrivals.push(now);
  }

  /** `key` is the path with its query: a re-fetch of the same page counts, another page does not. */
  served(key: string, status: number): void {
    this.#stats.served += 1;
    if (status < 200 || status > 299) return;
    if (this.#succeeded.has(key)) this.#stats.refetched += 1;
    else this.#succeeded.add(key);
  }

  rejected(): void {
    this.#stats.rejected += 1;
  }

  fault(kind: FaultKind): void {
    this.#stats.faults[kind] += 1;
  }

  /** A deep copy, so callers may keep it while traffic continues. */
  snapshot(): DemoApiStats {
    const stats = this.#stats;
    return { ...stats, faults: { ...stats.faults }, byPath: { ...stats.byPath }, arrivals: [...stats.arrivals] };
  }

  reset(): void {
    this.#stats = emptyStats();
    this.#succeeded.clear();
  }

  /** The most arrivals in any half-open window `[t, t + ms)`: what a limit of that window saw at its worst. */
  maxInWindow(ms: number): number {
    if (!(ms > 0)) return 0;
    const times = [...this.#stats.arrivals].sort((a, b) => a - b);
    let best = 0;
    let start = 0;
    for (let end = 0; end < times.length; end += 1) {
      while ((times[end] as number) - (times[start] as number) >= ms) start += 1;
      best = Math.max(best, end - start + 1);
    }
    return best;
  }
}

function emptyStats(): DemoApiStats {
  return {
    requests: 0,
    served: 0,
    rejected: 0,
    faults: { serverError: 0, tooManyRequests: 0, reset: 0, truncate: 0, stall: 0 },
    refetched: 0,
    byPath: {},
    arrivals: [],
  };
}
