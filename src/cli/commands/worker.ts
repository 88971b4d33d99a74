import { Command, Option } from 'commander';
import { ConfigError } from '../../errors/config-error.js';
import { portNumber } from '../admin-cli-options.js';
import { loadCliConfig, withConfigOption } from '../context.js';
import { positiveInt } from '../option-parsers.js';

/** `siphon worker`: takes scheduled runs from the shared Redis queue until SIGINT/SIGTERM. */
export function workerCommand(): Command {
  return withConfigOption(
    new Command('worker').description(
      'distributed mode: run resources from the Redis queue at REDIS_URL, with any number of workers on any hosts ' +
        'sharing the schedules, the per-source rate limits and a PostgreSQL database',
    ),
  )
    .addOption(new Option('--concurrency <n>', 'jobs this worker handles at once').argParser(positiveInt).default(4))
    .addOption(new Option('--metrics-port <n>', "serve this worker's Prometheus metrics at /metrics on this port").argParser(portNumber))
    .addOption(
      new Option(
        '--metrics-host <host>',
        'address the metrics listen on; anything but loopback needs SIPHON_ADMIN_TOKEN or --metrics-public',
      ).default('127.0.0.1'),
    )
    .option('--metrics-public', 'serve /metrics without the token (SIPHON_ADMIN_TOKEN) scrapers would otherwise send')
    .action(
      async (options: { config?: string; concurrency: number; metricsPort?: number; metricsHost: string; metricsPublic?: boolean }) => {
        const redisUrl = process.env.REDIS_URL;
        if (!redisUrl) {
          throw new ConfigError(
            'REDIS_URL',
            'siphon worker needs REDIS_URL (e.g. redis://127.0.0.1:6379), the queue its workers share; `siphon start` runs schedules without Redis',
          );
        }
        const { assertDistributedDatabase } = await import('../../runtime/distributed/assert-distributed-store.js');
        const { openStore } = await import('../../store/open-store.js');
        const { serveWorker } = await import('../serve-worker.js');
        const config = await loadCliConfig(options);
        // Before connecting anywhere: a SQLite file cannot be shared by workers on other hosts.
        assertDistributedDatabase(config.database);
        const store = await openStore(config.database);
        try {
          await store.init();
          await serveWorker({
            config,
            store,
            redisUrl,
            concurrency: options.concurrency,
            metrics:
              options.metricsPort === undefined
                ? undefined
                : {
                    port: options.metricsPort,
                    host: options.metricsHost,
                    public: options.metricsPublic === true,
                    token: process.env.SIPHON_ADMIN_TOKEN || undefined,
                  },
          });
        } finally {
          await store.close();
        }
      },
    );
}
