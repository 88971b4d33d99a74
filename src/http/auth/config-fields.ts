import { ConfigError } from '../../errors/config-error.js';

/**
 * Field checks shared by the auth kinds. Configs usually come from a YAML or
 * JSON file, so the static types promise nothing at runtime: every field is
 * read as `unknown` and a bad one names its exact config path.
 */

// CR, LF and NUL would let a value smuggle extra headers; `Headers` rejects
// them late with a message that names neither the field nor the config path.
const UNSAFE_HEADER_VALUE = /[\r\n\0]/;

/** RFC 9110 `token`: what a header name or an auth scheme may consist of. */
const HTTP_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function field(config: object, name: string): unknown {
  return (config as Record<string, unknown>)[name];
}

/** A string that must be present and, unless `allowEmpty`, non-empty. */
export function requireString(config: object, name: string, path: string, options: { allowEmpty?: boolean; what?: string } = {}): string {
  const value = field(config, name);
  const what = options.what ?? 'a string';
  if (value === undefined || value === null) throw new ConfigError(`${path}.${name}`, `is required (${what})`);
  if (typeof value !== 'string') throw new ConfigError(`${path}.${name}`, `must be ${what}, got ${typeof value}`);
  if (!options.allowEmpty && value.trim() === '') throw new ConfigError(`${path}.${name}`, `is required and must not be empty`);
  return value;
}

/** A string that may be absent; present but empty counts as absent. */
export function optionalString(config: object, name: string, path: string): string | undefined {
  const value = field(config, name);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new ConfigError(`${path}.${name}`, `must be a string, got ${typeof value}`);
  return value;
}

/** One of `choices`, or `fallback` when absent. */
export function oneOf<T extends string>(config: object, name: string, path: string, choices: readonly T[], fallback: T): T {
  const value = field(config, name);
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw new ConfigError(`${path}.${name}`, `must be one of ${choices.map((c) => `"${c}"`).join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}

/** Throws unless `value` can travel in a header value. */
export function assertHeaderValue(value: string, fieldPath: string): void {
  if (UNSAFE_HEADER_VALUE.test(value)) {
    throw new ConfigError(fieldPath, 'must not contain line breaks or NUL characters (it is sent in a header)');
  }
}

/** Throws unless `value` is a valid header name or auth scheme. */
export function assertHttpToken(value: string, fieldPath: string): void {
  if (!HTTP_TOKEN.test(value)) {
    throw new ConfigError(fieldPath, `"${value}" is not a valid HTTP token (letters, digits and !#$%&'*+.^_\`|~- only)`);
  }
}
