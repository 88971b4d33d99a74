import type { DemoFaults } from './options.js';
import { createRandom } from './random.js';

export type FaultKind = 'reset' | 'stall' | 'serverError' | 'tooManyRequests' | 'truncate';

/** Highest precedence first: a reset request never gets to stall, and so on. */
const PRECEDENCE: readonly FaultKind[] = ['reset', 'stall', 'serverError', 'tooManyRequests', 'truncate'];

export interface FaultDecision {
  readonly kind: FaultKind | undefined;
  /** The status a `serverError` fault answers with. */
  readonly serverErrorStatus: 500 | 503;
}

/**
 * Decides each request's fault from the seed. Every decision draws the same
 * number of values whatever the outcome, so the n-th request of a run meets
 * the same fault on every run with that seed and those probabilities.
 */
export function createFaultPlan(seed: number, faults: Required<DemoFaults>): { decide(): FaultDecision } {
  const random = createRandom(seed, 'faults');
  return {
    decide() {
      const draws = PRECEDENCE.map(() => random.next());
      const serverErrorStatus = random.chance(0.5) ? 503 : 500;
      const kind = PRECEDENCE.find((fault, index) => (draws[index] as number) < faults[fault]);
      return { kind, serverErrorStatus };
    },
  };
}

/** Per-request delays, fixed or uniform in `[min, max]`, from their own seeded stream. */
export function createLatency(seed: number, [min, max]: readonly [number, number]): () => number {
  const random = createRandom(seed, 'latency');
  return () => (min === max ? min : min + random.next() * (max - min));
}
