import { SiphonError, type SiphonErrorOptions } from './siphon-error.js';

/**
 * Redis, which a distributed worker's shared rate budget lives in, did not
 * answer for longer than the budget waits out (`outageMs`). Retryable: the
 * run fails with its checkpoint kept, and resumes once Redis is back.
 */
export class RedisUnavailableError extends SiphonError {
  override name = 'RedisUnavailableError' as const;
  /** How long Redis was waited for, in milliseconds. */
  readonly waitedMs: number;

  constructor(source: string, waitedMs: number, options: Omit<SiphonErrorOptions, 'retryable'> = {}) {
    const cause = options.cause instanceof Error ? `: ${options.cause.message}` : '';
    super(
      `rate budget of source ${source}: Redis did not answer for ${Math.round(waitedMs / 1000)} s${cause}; ` +
        'the run stops here and resumes from its checkpoint once Redis is back',
      { ...options, retryable: true },
    );
    this.waitedMs = waitedMs;
  }
}
