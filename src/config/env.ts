import { joinPath } from '../util/option-path.js';
import type { IssueList } from './issue-list.js';

/** The environment variables a config reads from. */
export type ConfigEnv = Readonly<Record<string, string | undefined>>;

/** A `${env:NAME}` that was replaced, kept so its value can be kept out of messages. */
export interface EnvSubstitution {
  readonly path: string;
  readonly name: string;
  readonly value: string;
}

export interface SubstitutedConfig {
  readonly value: unknown;
  readonly substitutions: readonly EnvSubstitution[];
  /** Paths whose value could not be completed; later checks of these paths are noise. */
  readonly failedPaths: readonly string[];
  /** Paths left holding a `${env:NAME}` whose variable is not set, because `keepMissing` allowed it. */
  readonly keptPaths: readonly string[];
  /** Each such reference: where, and the variable it names. */
  readonly kept: readonly MissingEnvReference[];
}

/** A `${env:NAME}` left as text because its variable is not set. */
export interface MissingEnvReference {
  readonly path: string;
  readonly name: string;
  /** The whole value as written (`https://${env:HOST}/v1`). */
  readonly text: string;
}

export interface SubstituteOptions {
  /**
   * Where a variable that is not set may stay a `${env:NAME}` reference
   * instead of being an issue (commands that send no requests need no API secrets).
   * @default () => false
   */
  readonly keepMissing?: ((path: string) => boolean) | undefined;
}

// `$${env:X}` is an escape for the literal text `${env:X}`.
const REFERENCE = /(\$?)\$\{env:([^}]*)\}/g;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Replaces `${env:NAME}` in every string value of `input` (whole values and
 * parts of longer ones, `Bearer ${env:TOKEN}`). Keys are left alone. A
 * variable that is not set is an issue naming it and the path using it; an
 * empty one counts as set.
 */
export function substituteEnv(input: unknown, env: ConfigEnv, issues: IssueList, options: SubstituteOptions = {}): SubstitutedConfig {
  const substitutions: EnvSubstitution[] = [];
  const failedPaths: string[] = [];
  const keptPaths: string[] = [];
  const kept: MissingEnvReference[] = [];
  const keepMissing = options.keepMissing ?? (() => false);

  const substituteString = (text: string, path: string): string => {
    let failed = false;
    const result = text.replace(REFERENCE, (whole, escapeMark: string, name: string) => {
      if (escapeMark === '$') return whole.slice(1);
      if (!ENV_NAME.test(name)) {
        issues.add(path, `invalid environment reference "\${env:${name}}": a variable name is letters, digits and _`);
        failed = true;
        return whole;
      }
      const value = env[name];
      if (value === undefined && keepMissing(path)) {
        if (!keptPaths.includes(path)) keptPaths.push(path);
        kept.push({ path, name, text });
        return whole;
      }
      if (value === undefined) {
        issues.add(path, `environment variable ${name} is not set`);
        failed = true;
        return whole;
      }
      substitutions.push({ path, name, value });
      return value;
    });
    if (failed) failedPaths.push(path);
    return result;
  };

  const walk = (value: unknown, path: string): unknown => {
    if (typeof value === 'string') return value.includes('${env:') ? substituteString(value, path) : value;
    if (Array.isArray(value)) return value.map((item, index) => walk(item, joinPath(path, index)));
    if (isPlainObject(value)) {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) out[key] = walk(item, joinPath(path, key));
      return out;
    }
    return value;
  };

  return { value: walk(input, ''), substitutions, failedPaths, keptPaths, kept };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
