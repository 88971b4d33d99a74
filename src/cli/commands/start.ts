import { Command } from 'commander';
import { ConfigError } from '../../errors/config-error.js';
import { adminServerOptions } from '../admin-cli-options.js';
import { openContext, withConfigOption } from '../context.js';

/** `siphon start`: runs every scheduled resource on its cron until SIGINT/SIGTERM, with the web admin beside it. */
export function startCommand(): Command {
  const command = withConfigOption(
    new Command('start').description(
      'run every resource that has a schedule on its cron, in this process, until SIGINT/SIGTERM; ' +
        'catches up missed ticks once, retries failed runs with backoff and resumes runs a stopped process left; ' +
        'serves the web admin on 127.0.0.1:8080',
    ),
  )
    .option('--no-admin', 'do not serve the web admin')
    .option('--metrics-public', "serve the admin's /metrics (Prometheus) without the token");
  for (const option of adminServerOptions('admin-')) command.addOption(option);
  return command.action(
    async (options: { config?: string; admin: boolean; adminPort: number; adminHost: string; metricsPublic?: boolean }, self: Command) => {
      const context = await openContext(options);
      try {
        const { runScheduler } = await import('../run-scheduler.js');
        const log = (await import('../cli-log.js')).createCliLog();
        if (!options.admin) {
          await runScheduler({ config: context.config, store: context.store, log });
          return;
        }
        const { startAdmin } = await import('../start-admin.js');
        const { SchedulerRunNow } = await import('../scheduler-run-now.js');
        const { SiphonMetrics } = await import('../../metrics/siphon-metrics.js');
        const runNow = new SchedulerRunNow();
        const metrics = new SiphonMetrics({ config: context.config, store: context.store });
        const admin = await startAdmin({
          ...context,
          host: options.adminHost,
          port: options.adminPort,
          runNow,
          link: 'token',
          metrics,
          metricsPublic: options.metricsPublic,
          log,
        }).catch((error: unknown) => {
          // The schedules matter more than the admin: a default port someone else holds is a warning, not a stop.
          const busy = error instanceof ConfigError && error.path === 'admin' && /is in use/.test(error.detail);
          if (!busy || self.getOptionValueSource('adminPort') !== 'default') throw error;
          log.warn(`admin: not started: ${error.detail} (or --no-admin)`, { event: 'admin', error });
          return undefined;
        });
        try {
          await runScheduler({
            config: context.config,
            store: context.store,
            log,
            onStarted: (runtime) => runNow.attach(runtime, process.env.REDIS_URL),
            onEvent: (event) => metrics.observe(event),
          });
        } finally {
          await runNow.close();
          await admin?.close();
        }
      } finally {
        await context.close();
      }
    },
  );
}
