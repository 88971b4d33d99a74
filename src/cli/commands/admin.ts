import { Command } from 'commander';
import { adminServerOptions } from '../admin-cli-options.js';
import { openContext, withConfigOption } from '../context.js';

/** `siphon admin`: the web admin over an existing database, without running schedules. */
export function adminCommand(): Command {
  const command = withConfigOption(
    new Command('admin').description(
      'serve the web admin and its JSON API over the database of the config, without running schedules, until SIGINT/SIGTERM; ' +
        'Run now runs a resource in this process, or queues it for the workers when REDIS_URL is set',
    ),
  );
  for (const option of adminServerOptions('')) command.addOption(option);
  command.option('--metrics-public', 'serve /metrics (Prometheus) without the token');
  return command.action(async (options: { config?: string; port: number; host: string; metricsPublic?: boolean }) => {
    const context = await openContext(options);
    try {
      const { startAdmin } = await import('../start-admin.js');
      const { onShutdownSignals } = await import('../shutdown-signals.js');
      const { SiphonMetrics } = await import('../../metrics/siphon-metrics.js');
      const { createCliLog } = await import('../cli-log.js');
      const { createRuntimeReporter } = await import('../run-scheduler.js');
      const log = createCliLog();
      // Runs Run now starts in this process are logged as `siphon run` logs them.
      const report = createRuntimeReporter(log);
      // Runs started here count in this process; with workers, each worker exposes its own (siphon worker --metrics-port).
      const metrics = new SiphonMetrics({ config: context.config, store: context.store });
      const redisUrl = process.env.REDIS_URL;
      const runNow = redisUrl
        ? await (await import('../../admin/queue-run-now.js')).queueRunNow({
            redisUrl,
            prefix: process.env.SIPHON_QUEUE_PREFIX || undefined,
          })
        : new (await import('../../admin/direct-run-now.js')).DirectRunNow({
            config: context.config,
            store: context.store,
            onEvent: (event) => {
              report(event);
              metrics.observe(event);
            },
          });
      const shutdown = onShutdownSignals({
        message: 'stopping the admin (runs it started keep their checkpoint)',
        hardExitMs: 9_500,
        log,
      });
      try {
        const admin = await startAdmin({
          ...context,
          host: options.host,
          port: options.port,
          runNow,
          link: 'token',
          metrics,
          metricsPublic: options.metricsPublic,
          log,
        });
        try {
          await shutdown.requested;
        } finally {
          await admin.close();
        }
      } finally {
        shutdown.dispose();
        await runNow.close();
      }
    } finally {
      await context.close();
    }
  });
}
