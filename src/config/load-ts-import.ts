import { ConfigError } from '../errors/config-error.js';

/** tsx's `tsImport`: imports a TypeScript module, compiling it on the way. */
export type TsImport = (specifier: string, parentURL: string) => Promise<unknown>;

/**
 * Loads tsx for a TypeScript config (`shown` is its name as the user wrote
 * it). tsx is an optional peer dependency: only a `siphon.config.ts` needs
 * it, and a project with a YAML or JSON config installs neither it nor
 * esbuild (whose install script it would have to approve).
 */
export async function loadTsImport(shown: string): Promise<TsImport> {
  try {
    return (await import('tsx/esm/api')).tsImport;
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && /\btsx\b/.test((error as Error).message);
    throw new ConfigError(
      '',
      missing
        ? `${shown} is TypeScript, which needs tsx, and tsx is not installed: npm install -D tsx (or use siphon.yaml)`
        : `cannot load tsx to compile ${shown}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}
