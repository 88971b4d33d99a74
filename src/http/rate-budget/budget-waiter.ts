import { SiphonError } from '../../errors/siphon-error.js';

/** A caller of `acquire` waiting for its turn, in either budget's first-come queue. */
export interface BudgetWaiter {
  readonly since: number;
  readonly resolve: (waitedMs: number) => void;
  readonly reject: (reason: unknown) => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
}

/** setTimeout fires at once when given more than 2³¹−1 ms; longer waits re-arm. */
export const MAX_TIMER_MS = 2_147_483_647;

export function budgetClosedError(): SiphonError {
  return new SiphonError('the rate budget was closed while requests were waiting for it');
}

/** Empties `queue`, rejecting each waiter: a closed budget leaves no request waiting. */
export function rejectWaiters(queue: BudgetWaiter[]): void {
  const error = budgetClosedError();
  for (const waiter of queue.splice(0)) {
    waiter.signal?.removeEventListener('abort', waiter.onAbort);
    waiter.reject(error);
  }
}
