import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Command, Option } from 'commander';
import type { ResolvedConfig } from '../config/types.js';
import { ConfigError } from '../errors/config-error.js';
import type { Store } from '../store/types.js';
import { addLogSecrets } from './log-settings.js';

/** The variable naming the config file when `--config` does not. */
export const CONFIG_ENV = 'SIPHON_CONFIG';

/** Adds the option every config-reading command takes. */
export function withConfigOption(command: Command): Command {
  return command.addOption(
    new Option(
      '-c, --config <file>',
      'config file (default: siphon.yaml, siphon.yml, siphon.json or siphon.config.ts in the current directory)',
    ).env(CONFIG_ENV),
  );
}

/**
 * How a command uses the config and the database:
 * - `write` (runs, schedules): every `${env:NAME}` must be set; the database
 *   and Siphon's tables are created when missing;
 * - `read` (history, exports, reports): sends no requests, so API secrets may
 *   be missing; opens the database read-only, and a SQLite file that does not
 *   exist is an error, never created;
 * - `existing` (state reset): as `read`, but may write to the database that exists.
 * @default 'write'
 */
export type ContextAccess = 'write' | 'read' | 'existing';

/**
 * Reads the `.env` beside the config file (variables already set win, as in
 * the shell), then loads the config.
 */
export async function loadCliConfig(options: { config?: string | undefined }, access: ContextAccess = 'write'): Promise<ResolvedConfig> {
  // Loaded here, not at start-up: `siphon --help` needs neither the config nor its parser.
  const { loadConfig, locateConfigFile } = await import('../config/load-config.js');
  const file = await locateConfigFile({ file: options.config });
  const envFile = join(dirname(file), '.env');
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  const config = await loadConfig({ file, missingEnv: access === 'write' ? 'error' : 'keep' });
  const { envSubstitutions } = await import('../config/env-substitutions.js');
  addLogSecrets(envSubstitutions(config).map((substitution) => substitution.value));
  return config;
}

/** Loads the config and opens its database; `close` releases both. */
export async function openContext(
  options: { config?: string | undefined },
  access: ContextAccess = 'write',
): Promise<{ config: ResolvedConfig; store: Store; close: () => Promise<void> }> {
  const { openStore } = await import('../store/open-store.js');
  const config = await loadCliConfig(options, access);
  if (access !== 'write') await assertDatabaseExists(config.database);
  const store = await openStore(config.database, { readOnly: access === 'read' });
  // Siphon's own tables are created by the commands that write; the others find what is there.
  if (access === 'write') await store.init();
  return { config, store, close: () => store.close() };
}

/** A SQLite file that is not there has nothing to read; opening it would create an empty one. */
async function assertDatabaseExists(url: string): Promise<void> {
  const { parseDatabaseUrl } = await import('../store/database-url.js');
  const target = parseDatabaseUrl(url);
  if (target.kind === 'sqlite' && target.path !== ':memory:' && !existsSync(target.path)) {
    throw new ConfigError(
      'database',
      `database file ${target.path} does not exist: nothing has been synced into it yet (siphon run creates it), or the config's database (or SIPHON_DATABASE) names another file`,
    );
  }
}
