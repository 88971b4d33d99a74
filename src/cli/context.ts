import { type Command, Option } from 'commander';
import { loadConfig } from '../config/index.js';
import type { ResolvedConfig } from '../config/types.js';
import { openStore } from '../store/index.js';
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
  const config = await loadConfig({ file: options.config });
  const store = await openStore(config.database);
  await store.init();
  return { config, store, close: () => store.close() };
}
