import { ConfigError } from '../../errors/config-error.js';

/**
 * The one-line error for better-sqlite3's native module failing to load, or
 * undefined for any other error. Its install script builds (or downloads)
 * that module; npm 12 skips the script unless the project's package.json
 * approves it in `allowScripts`, as `--ignore-scripts` always does, and a
 * module built for another Node.js version or platform fails the same way.
 */
export function nativeModuleError(error: unknown): ConfigError | undefined {
  const message = error instanceof Error ? error.message : '';
  const notBuilt = message.startsWith('Could not locate the bindings file');
  if (!notBuilt && (error as NodeJS.ErrnoException | undefined)?.code !== 'ERR_DLOPEN_FAILED') return undefined;
  const why = notBuilt ? 'is not built (its install script did not run)' : 'does not load (built for another Node.js version or platform)';
  return new ConfigError(
    'database',
    `SQLite needs the native module of better-sqlite3, which ${why}: approve its install script ` +
      '(npm install-scripts approve better-sqlite3, or "allowScripts": { "better-sqlite3": true } in package.json), ' +
      'then run npm rebuild better-sqlite3',
    { cause: error },
  );
}
