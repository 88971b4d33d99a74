import { ConfigError } from '../errors/config-error.js';
import { type IdentifierKind, validateIdentifier } from '../store/identifier.js';

/**
 * Why `name` is not a valid table or column name, or `undefined` when it is.
 * The store's own rule (src/store/identifier.ts), so a config that passes
 * here never fails when its tables are created.
 */
export function identifierProblem(name: string, kind: IdentifierKind): string | undefined {
  try {
    validateIdentifier(name, kind, '');
    return undefined;
  } catch (error) {
    if (error instanceof ConfigError) return error.detail;
    throw error;
  }
}
