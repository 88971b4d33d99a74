import { type Command, Option } from 'commander';
import type { ResolvedConfig } from '../config/types.js';
import type { Store } from '../store/types.js';

/** Adds the option every config-reading command takes. */
export function withConfigOption(command: Command): Command {
  return command.addOption(
    new Option(
      '-c, --config <file>',
      'config file (default: siphon.yaml, siphon.yml, siphon.json or siphon.config.ts in the current directory)',
    ),
  );
}

/** Loads the config and opens its database; `close` releases both. */
export async function openContext(options: {
  config?: string | undefined;
}): Promise<{ config: ResolvedConfig; store: Store; close: () => Promise<void> }> {
  // Loaded here, not at start-up: `siphon --help` needs neither the config nor a database driver.
  const { loadConfig } = await import('../config/load-config.js');
  const { openStore } = await import('../store/open-store.js');
  const config = await loadConfig({ file: options.config });
  const store = await openStore(config.database);
  await store.init();
  return { config, store, close: () => store.close() };
}
