import { ConfigError } from '../../errors/config-error.js';
import { parseDuration } from '../../util/duration.js';
import type { RateLimitOptions } from '../types.js';

/** A checked declared limit: at most `requests` in any window of `perMs`. */
export interface DeclaredLimit {
  readonly requests: number;
  readonly perMs: number;
}

/**
 * Checks `rateLimit` options (`requests` and `per` come together or not at
 * all) and resolves the duration; `undefined` means no declared limit.
 * Shared by every budget implementation so they all read a config alike.
 */
export function resolveRateLimitOptions(options: Partial<RateLimitOptions> | undefined, path = 'rateLimit'): DeclaredLimit | undefined {
  if (options === undefined || options === null) return undefined;
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new ConfigError(path, 'expected an object such as { requests: 10, per: "1s" }');
  }
  const { requests, per } = options;
  if (requests === undefined && per === undefined) return undefined;
  if (requests === undefined || requests === null) throw new ConfigError(`${path}.requests`, 'is required when per is set');
  if (typeof requests !== 'number' || !Number.isInteger(requests) || requests < 1) {
    throw new ConfigError(`${path}.requests`, `must be a positive integer, got ${JSON.stringify(requests)}`);
  }
  if (per === undefined || per === null) throw new ConfigError(`${path}.per`, 'is required when requests is set (e.g. "1s", "1m")');
  let perMs: number;
  try {
    if (typeof per !== 'number' && typeof per !== 'string') throw new RangeError(`expected a duration such as "1s", got ${typeof per}`);
    perMs = parseDuration(per);
  } catch (cause) {
    throw new ConfigError(`${path}.per`, (cause as Error).message, { cause });
  }
  if (perMs <= 0) throw new ConfigError(`${path}.per`, 'must be longer than 0 ms');
  return { requests, perMs };
}
