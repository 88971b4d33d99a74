import type { OptionIssue } from '../util/option-issues.js';
import { joinPath } from '../util/option-path.js';
import { SiphonError, type SiphonErrorOptions } from './siphon-error.js';

/**
 * Options or a config file are invalid. The message is `path: detail`; both
 * are kept as fields, so code that collects problems (the config's list of
 * issues) reads them apart instead of cutting the message up.
 */
export class ConfigError extends SiphonError {
  override name: string = 'ConfigError';
  /** Where: `sources.api.resources.items.paginator.type`, `paginator.limit`; `''` for the whole config or file. */
  readonly path: string;
  /** What is wrong, without the path: `expected a positive integer, got 0`. */
  readonly detail: string;

  constructor(path: string, detail: string, options: SiphonErrorOptions = {}) {
    super(path ? `${path}: ${detail}` : detail, { ...options, retryable: false });
    this.path = path;
    this.detail = detail;
  }

  /** The error for a problem an option schema found in the options at `base` (`paginator` + `limit` → `paginator.limit`). */
  static fromIssue(base: string, issue: OptionIssue): ConfigError {
    return new ConfigError(joinPath(base, ...issue.path), issue.message);
  }
}
