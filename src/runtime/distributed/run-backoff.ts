import type { BackoffStrategy } from 'bullmq';
import type { ResolvedConfig } from '../../config/types.js';
import { runRetryDelay, runRetryPolicy } from '../run-retry.js';
import type { RunData } from './job-data.js';

/** Celery's `retry_backoff_max`: no run waits longer than this for its retry, whatever the config says. */
export const MAX_RUN_BACKOFF_MS = 600_000;

/**
 * BullMQ's custom backoff for run jobs: the resource's run retry policy
 * (exponential, full jitter), capped at 600 s. BullMQ passes the 1-based
 * number of the coming retry. `onDelay` reports the wait chosen.
 */
export function runBackoff(config: ResolvedConfig, onDelay?: (delay: RunDelay) => void): BackoffStrategy {
  return (attemptsMade, _type, error, job) => {
    const id = (job?.data as RunData | undefined)?.resource;
    const resource = config.resources.find((candidate) => candidate.id === id);
    // A job of a resource this worker does not know fails anyway; retry it soon.
    const policy = resource ? runRetryPolicy(resource) : undefined;
    const delayMs = policy ? Math.min(MAX_RUN_BACKOFF_MS, runRetryDelay(policy, attemptsMade)) : 1000;
    if (id !== undefined) {
      onDelay?.({
        resource: id,
        jobId: job?.id ?? '?',
        retry: attemptsMade,
        retries: policy?.retries ?? 0,
        delayMs,
        error: error ?? new Error('failed'),
      });
    }
    return delayMs;
  };
}

/** A retry BullMQ is about to schedule. */
export interface RunDelay {
  readonly resource: string;
  readonly jobId: string;
  /** 1-based number of the coming retry. */
  readonly retry: number;
  readonly retries: number;
  readonly delayMs: number;
  readonly error: Error;
}
