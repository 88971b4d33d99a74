import { Command } from 'commander';
import { openContext, withConfigOption } from '../context.js';

/** `siphon start`: runs every scheduled resource on its cron until SIGINT/SIGTERM. */
export function startCommand(): Command {
  return withConfigOption(
    new Command('start').description(
      'run every resource that has a schedule on its cron, in this process, until SIGINT/SIGTERM; ' +
        'catches up missed ticks once, retries failed runs with backoff and resumes runs a stopped process left',
    ),
  ).action(async (options: { config?: string }) => {
    const context = await openContext(options);
    try {
      const { runScheduler } = await import('../run-scheduler.js');
      await runScheduler({ config: context.config, store: context.store });
    } finally {
      await context.close();
    }
  });
}
