import type { GaveUpEvent, RetryScheduledEvent } from '../runtime/runtime.js';

/** The log lines both runtimes (`siphon start`, `siphon worker`) print for run-level retries. */
export function retryLine(event: RetryScheduledEvent): string {
  return `${event.resource}: retry ${event.retry} of ${event.retries} in ${(event.delayMs / 1000).toFixed(1)} s, from the checkpoint (${event.error.message})`;
}

export function gaveUpLine(event: GaveUpEvent): string {
  return `${event.resource}: not retrying (${event.retried > 0 ? `${event.retried} retries spent` : 'the error is permanent'}); next try at the next tick`;
}
