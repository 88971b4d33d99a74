import { Command } from 'commander';
import { openContext, withConfigOption } from '../context.js';
/** `siphon check`: validates the config and fetches the first page of each resource. */
export function checkCommand(): Command {
  return withConfigOption(
    new Command('check')
      .description('validate the config, fetch the first page of each resource and show what Siphon makes of it')
      .argument('[resources...]', 'source.resource ids (default: all)'),
  ).action(async (only: string[], options: { config?: string }) => {
    const { ClientPool } = await import('../../sync/client-pool.js');
    const { checkResource } = await import('../check-resource.js');
    const context = await openContext(options);
    const clients = new ClientPool();
    let failures = 0;
    try {
      process.stdout.write(`config OK: ${context.config.resources.length} resources, database ${context.store.dialect}\n\n`);
      for (const resource of context.config.resources) {
        if (only.length > 0 && !only.includes(resource.id) && !only.includes(resource.source.name)) continue;
        try {
          const parent = context.config.resources.find((candidate) => candidate.id === resource.parent?.resource);
          process.stdout.write(await checkResource(resource, parent, context.store, clients));
        } catch (error) {
          failures += 1;
          process.stdout.write(`${resource.id}\n  FAILED: ${(error as Error).message}\n\n`);
        }
      }
    } finally {
      await clients.close();
      await context.close();
    }
    if (failures > 0) process.exitCode = 1;
  });
}
