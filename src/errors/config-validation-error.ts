import { ConfigError } from './config-error.js';

/** One problem of a config: where it is and what is wrong. */
export interface ConfigIssue {
  /** Config path, `sources.coingecko.rateLimit.per`; `''` for the file as a whole. */
  readonly path: string;
  readonly message: string;
  /** `siphon.yaml:12:7`, when the config came from a file Siphon could map the path to. */
  readonly location?: string | undefined;
}

/**
 * Every problem of a config at once, one per line as `path: message`. It is a
 * {@link ConfigError} with an empty `path`, so code that handles config
 * errors in general needs no special case; `issues` has them one by one.
 */
export class ConfigValidationError extends ConfigError {
  override name = 'ConfigValidationError' as const;
  readonly issues: readonly ConfigIssue[];
  /** The config file, when there was one. */
  readonly file: string | undefined;

  constructor(issues: readonly ConfigIssue[], file?: string) {
    super('', formatMessage(issues, file));
    this.issues = issues;
    this.file = file;
  }
}

function formatMessage(issues: readonly ConfigIssue[], file: string | undefined): string {
  const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
  const lines = issues.map((issue) => {
    const text = issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`;
    return `  ${text}${issue.location === undefined ? '' : ` (${issue.location})`}`;
  });
  return [`Invalid Siphon config${file === undefined ? '' : ` ${file}`} (${count}):`, ...lines].join('\n');
}
