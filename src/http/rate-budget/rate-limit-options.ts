import { ConfigError } from '../../errors/config-error.js';
import { parseDuration } from '../../util/duration.js';
import { duration, positiveInteger } from '../../util/option-fields.js';
import { parseOptions } from '../../util/option-issues.js';
import { type OptionShape, strictOptions } from '../../util/strict-options.js';
import type { RateLimitOptions } from '../types.js';

/** A checked declared limit: at most `requests` in any window of `perMs`. */
export interface DeclaredLimit {
  readonly requests: number;
  readonly perMs: number;
}

/** The schema of a declared limit, for the budgets and the config file's sources. */
export const rateLimitOptionsSchema = strictOptions({ requests: positiveInteger, per: duration() } satisfies OptionShape<RateLimitOptions>);

/**
 * Checks `rateLimit` options (`requests` and `per` come together or not at
 * all) and resolves the duration; `undefined` means no declared limit.
 * Shared by every budget implementation so they all read a config alike.
 */
export function resolveRateLimitOptions(options: Partial<RateLimitOptions> | undefined, path = 'rateLimit'): DeclaredLimit | undefined {
  if (options === undefined || options === null) return undefined;
  let limit: unknown = options;
  if (typeof options === 'object' && !Array.isArray(options)) {
    if (options.requests === undefined && options.per === undefined) return undefined;
    // Budgets pass their own options too; only these two are the limit.
    limit = { requests: options.requests, per: options.per };
  }
  const parsed = parseOptions(rateLimitOptionsSchema, limit);
  if (parsed.issues !== undefined) throw ConfigError.fromIssue(path, parsed.issues[0] as (typeof parsed.issues)[number]);
  return { requests: parsed.data.requests, perMs: parseDuration(parsed.data.per) };
}
