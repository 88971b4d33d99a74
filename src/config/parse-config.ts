import { dirname, resolve } from 'node:path';
import { type ConfigIssue, ConfigValidationError } from '../errors/config-validation-error.js';
import { isWithin, joinPath, splitPath } from '../util/option-path.js';
import { DATABASE_ENV } from './defaults.js';
import { type ConfigEnv, type EnvSubstitution, isPlainObject, substituteEnv } from './env.js';
import { recordSubstitutions } from './env-substitutions.js';
import { IssueList } from './issue-list.js';
import { resolveConfig } from './resolve.js';
import type { ResolvedConfig } from './types.js';
import { validateInput } from './validate-input.js';

export interface ParseConfigOptions {
  /**
   * Variables for `${env:NAME}` and `SIPHON_DATABASE`.
   * @default process.env
   */
  env?: ConfigEnv | undefined;
  /**
   * What a `${env:NAME}` whose variable is not set does: `'error'` fails the
   * parse naming it; `'keep'` leaves the reference as text, for programs
   * that send no requests (exports, reports, the run history) and so need no
   * API secrets. `database` must resolve either way.
   * @default 'error'
   */
  missingEnv?: 'error' | 'keep' | undefined;
  /** The file the config came from: relative SQLite paths resolve against its directory, and errors name it. */
  file?: string | undefined;
  /**
   * Directory that relative paths resolve against when there is no `file`.
   * @default process.cwd()
   */
  cwd?: string | undefined;
}

/** @internal What `loadConfig` adds: mapping a config path to `file:line:col`. */
export interface ParseConfigContext extends ParseConfigOptions {
  locate?: ((path: string) => string | undefined) | undefined;
  /** How the file is named in messages. */
  displayFile?: string | undefined;
}

/**
 * Validates a config object (what a YAML file parses to, or what
 * `siphon.config.ts` exports) and resolves it. Every problem is collected;
 * when there are any, one {@link ConfigValidationError} lists them all.
 */
export function parseConfig(input: unknown, options: ParseConfigOptions = {}): ResolvedConfig {
  return parseConfigIn(input, options);
}

/** @internal */
export function parseConfigIn(input: unknown, context: ParseConfigContext): ResolvedConfig {
  const env = context.env ?? process.env;
  const cwd = resolve(context.cwd ?? process.cwd());
  const file = context.file === undefined ? undefined : resolve(cwd, context.file);
  const issues = new IssueList();

  const keep = context.missingEnv === 'keep';
  const substituted = substituteEnv(input, env, issues, { keepMissing: (path) => keep && !isWithin(path, 'database') });
  const envIssueCount = issues.size;
  const validated = validateInput(substituted.value, issues);
  const resolved = resolveConfig(
    validated,
    { baseDir: file === undefined ? cwd : dirname(file), databaseOverride: env[DATABASE_ENV], cwd, file },
    issues,
  );
  const order = documentOrder(substituted.value);
  const reported = issues
    .toArray()
    // A value whose variable is missing still holds `${env:…}`: what else is wrong with it is noise.
    .filter((issue, index) => index < envIssueCount || !substituted.failedPaths.some((path) => isWithin(issue.path, path)))
    // A reference kept on purpose is no problem; the value is a stand-in nothing will send.
    .filter((issue) => !substituted.keptPaths.some((path) => isWithin(issue.path, path)))
    .map(
      (issue): ConfigIssue => ({
        path: issue.path,
        message: redact(issue.message, issue.path, substituted.substitutions),
        location: context.locate?.(issue.path),
      }),
    )
    // Stable: problems of one place keep the order they were found in.
    .sort((a, b) => rank(order, a.path) - rank(order, b.path));
  if (reported.length === 0) return recordSubstitutions(resolved, substituted.substitutions, substituted.kept);
  throw new ConfigValidationError(reported, context.displayFile ?? file);
}

/** Keeps the values of environment variables out of messages: they are usually secrets. */
function redact(message: string, path: string, substitutions: readonly EnvSubstitution[]): string {
  let text = message;
  for (const { name, value, path: at } of substitutions) {
    if (value === '') continue;
    // Short values (`usd`) would match by accident elsewhere; there, only messages about the same value are redacted.
    const related = isWithin(path, at) || isWithin(at, path);
    if (related || value.length >= 8) text = text.replaceAll(value, `\${env:${name}}`);
  }
  return text;
}

/** The position of every path in the config as written, so problems are listed in file order. */
function documentOrder(value: unknown): Map<string, number> {
  const order = new Map<string, number>();
  const walk = (node: unknown, path: string): void => {
    order.set(path, order.size);
    if (Array.isArray(node)) {
      for (const [index, item] of node.entries()) walk(item, joinPath(path, index));
    } else if (isPlainObject(node)) for (const [key, item] of Object.entries(node)) walk(item, joinPath(path, key));
  };
  walk(value, '');
  return order;
}

/** The position of `path`, or of its nearest ancestor present in the config (for a missing key). */
function rank(order: ReadonlyMap<string, number>, path: string): number {
  const segments = splitPath(path) ?? [];
  for (let length = segments.length; length >= 0; length -= 1) {
    const found = order.get(joinPath('', ...segments.slice(0, length)));
    if (found !== undefined) return found;
  }
  return 0;
}
