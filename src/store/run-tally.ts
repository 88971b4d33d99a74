/**
 * What a run counts as it walks: one batch's share, an attempt's progress so
 * far, or the totals the run history keeps (every attempt of a resumed run).
 */
export interface RunTally {
  readonly pages: number;
  readonly records: number;
  /** HTTP retries made. */
  readonly retries: number;
  /** Milliseconds spent waiting on rate limits and retry backoff. */
  readonly waitedMs: number;
}

export const NO_TALLY: RunTally = Object.freeze({ pages: 0, records: 0, retries: 0, waitedMs: 0 });

/** The two tallies summed; only the counters are kept, whatever else `b` carries. */
export function addTally(a: RunTally, b: RunTally): RunTally {
  return {
    pages: a.pages + b.pages,
    records: a.records + b.records,
    retries: a.retries + b.retries,
    waitedMs: a.waitedMs + b.waitedMs,
  };
}
