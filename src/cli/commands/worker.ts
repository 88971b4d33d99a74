import { Command, Option } from 'commander';
import { loadConfig } from '../../config/index.js';
import { ConfigError } from '../../errors/config-error.js';
import { assertDistributedDatabase } from '../../runtime/distributed/assert-distributed-store.js';
import type { DistributedEvent } from '../../runtime/distributed/distributed-events.js';
import { tuningFromEnv } from '../../runtime/distributed/distributed-options.js';
import { DistributedRuntime } from '../../runtime/distributed/distributed-runtime.js';
import { redactRedisUrl } from '../../runtime/distributed/redis-connection.js';
import { openStore } from '../../store/index.js';
import type { SyncEvent } from '../../sync/sync-events.js';
import { withConfigOption } from '../context.js';
import { logLine, logStream } from '../log-output.js';
import { positiveInt } from '../option-parsers.js';
import { createProgressReporter } from '../progress-reporter.js';
import { gaveUpLine, retryLine } from '../runtime-lines.js';
import { onShutdownSignals } from '../shutdown-signals.js';

/** Active runs get this long after SIGTERM to finish before they are interrupted and handed back to the queue. */
const CLOSE_TIMEOUT_MS = 10_000;

/** `siphon worker`: takes scheduled runs from the shared Redis queue until SIGINT/SIGTERM. */
export function workerCommand(): Command {
  return withConfigOption(
    new Command('worker').description(
      'distributed mode: run resources from the Redis queue at REDIS_URL, with any number of workers on any hosts ' +
        'sharing the schedules, the per-source rate limits and a PostgreSQL database',
    ),
  )
    .addOption(new Option('--concurrency <n>', 'jobs this worker handles at once').argParser(positiveInt).default(4))
    .action(async (options: { config?: string; concurrency: number }) => {
      const redisUrl = process.env.REDIS_URL;
      if (!redisUrl) {
        throw new ConfigError(
          'REDIS_URL',
          'siphon worker needs REDIS_URL (e.g. redis://127.0.0.1:6379), the queue its workers share; `siphon start` runs schedules without Redis',
        );
      }
      const config = await loadConfig({ file: options.config });
      // Before connecting anywhere: a SQLite file cannot be shared by workers on other hosts.
      assertDistributedDatabase(config.database);
      const store = await openStore(config.database);
      try {
        await store.init();
        await serve({ config, store, redisUrl, concurrency: options.concurrency });
      } finally {
        await store.close();
      }
    });
}

async function serve(
  options: Pick<ConstructorParameters<typeof DistributedRuntime>[0], 'config' | 'store' | 'redisUrl' | 'concurrency'>,
): Promise<void> {
  const log = createWorkerLog();
  const runtime = new DistributedRuntime({ ...tuningFromEnv(), ...options, onEvent: log });
  // First signal: finish or hand back the jobs; second: leave now (BullMQ hands the jobs to others once their lock expires).
  const shutdown = onShutdownSignals({ message: 'stopping the worker' });
  try {
    await runtime.start();
    const { prefix, concurrency, lockDurationMs, leaseMs } = runtime.tuning;
    line(
      `worker started (pid ${process.pid}) on ${redactRedisUrl(options.redisUrl)} prefix "${prefix}", concurrency ${concurrency}, lock ${lockDurationMs} ms, lease ${leaseMs} ms`,
    );
    await shutdown.requested;
  } finally {
    try {
      await runtime.close({ timeoutMs: CLOSE_TIMEOUT_MS });
      line('worker stopped');
    } finally {
      shutdown.dispose();
    }
  }
}

function line(text: string): void {
  logLine(process.stdout, text);
}

/** Plain timestamped lines: the runs' own (the `siphon run` line reporter) and the worker's. */
function createWorkerLog(): (event: DistributedEvent) => void {
  const runs = createProgressReporter(logStream(process.stdout));
  return (event) => {
    switch (event.type) {
      case 'schedules-synced':
        line(
          `schedules: ${event.upserted.length} in Redis${event.removed.length > 0 ? `, removed ${event.removed.join(', ')} (no longer in the config)` : ''}`,
        );
        break;
      case 'tick':
        if (event.enqueued) line(`${event.resource}: tick ${event.at.toISOString()}, run queued`);
        break;
      case 'run-job':
        if (event.trigger === 'recovery')
          line(`${event.resource}: job ${event.jobId} recovered from a stopped worker; resuming from the checkpoint`);
        break;
      case 'retry-scheduled':
        line(retryLine(event));
        break;
      case 'gave-up':
        line(gaveUpLine(event));
        break;
      case 'requeued':
        line(`${event.resource}: interrupted by the shutdown; job ${event.jobId} is back in the queue for another worker`);
        break;
      case 'worker-error':
        process.stderr.write(`${new Date().toISOString()} worker error: ${event.error.message}\n`);
        break;
      case 'close-timeout':
        line(`still running after ${event.timeoutMs} ms, interrupting: ${event.resources.join(', ')}`);
        break;
      default:
        runs(event satisfies SyncEvent);
    }
  };
}
