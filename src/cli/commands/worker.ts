import { Writable } from 'node:stream';
import { Command, InvalidArgumentError, Option } from 'commander';
import { loadConfig } from '../../config/index.js';
import { ConfigError } from '../../errors/config-error.js';
import { assertDistributedDatabase } from '../../runtime/bullmq/assert-distributed-store.js';
import type { DistributedEvent } from '../../runtime/bullmq/distributed-events.js';
import { tuningFromEnv } from '../../runtime/bullmq/distributed-options.js';
import { DistributedRuntime } from '../../runtime/bullmq/distributed-runtime.js';
import { redactRedisUrl } from '../../runtime/bullmq/redis-connection.js';
import { openStore } from '../../store/index.js';
import type { SyncEvent } from '../../sync/sync-events.js';
import { withConfigOption } from '../context.js';
import { createProgressReporter } from '../progress-reporter.js';

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
    .addOption(new Option('--concurrency <n>', 'jobs this worker handles at once').argParser(positiveInteger).default(4))
    .action(async (options: { config?: string; concurrency: number }) => {
      const redisUrl = process.env.REDIS_URL;
      if (!redisUrl) {
        throw new ConfigError('REDIS_URL', 'siphon worker needs REDIS_URL (e.g. redis://127.0.0.1:6379), the queue its workers share; `siphon start` runs schedules without Redis');
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

async function serve(options: Pick<ConstructorParameters<typeof DistributedRuntime>[0], 'config' | 'store' | 'redisUrl' | 'concurrency'>): Promise<void> {
  const log = createWorkerLog();
  const runtime = new DistributedRuntime({ ...tuningFromEnv(), ...options, onEvent: log });
  let signals = 0;
  let stop: (signal: NodeJS.Signals) => void = () => undefined;
  const stopped = new Promise<NodeJS.Signals>((resolve) => (stop = resolve));
  const onSignal = (signal: NodeJS.Signals): void => {
    signals += 1;
    // First signal: finish or hand back the jobs; second: leave now (BullMQ hands the jobs to others once their lock expires).
    if (signals > 1) process.exit(130);
    process.stderr.write(`siphon: ${signal} received, stopping the worker (again to exit at once)\n`);
    stop(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await runtime.start();
    const { prefix, concurrency, lockDurationMs, leaseMs } = runtime.tuning;
    line(`worker started (pid ${process.pid}) on ${redactRedisUrl(options.redisUrl)} prefix "${prefix}", concurrency ${concurrency}, lock ${lockDurationMs} ms, lease ${leaseMs} ms`);
    await stopped;
  } finally {
    try {
      await runtime.close({ timeoutMs: CLOSE_TIMEOUT_MS });
      line('worker stopped');
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
}

function line(text: string): void {
  process.stdout.write(`${new Date().toISOString()} ${text}\n`);
}

/** Plain timestamped lines: the runs' own (the `siphon run` line reporter) and the worker's. */
function createWorkerLog(): (event: DistributedEvent) => void {
  // Never a TTY: a worker's output is a log, not progress bars.
  const out = Object.assign(
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        process.stdout.write(chunk);
        callback();
      },
    }),
    { isTTY: false },
  ) as unknown as NodeJS.WriteStream;
  const runs = createProgressReporter(out);
  return (event) => {
    switch (event.type) {
      case 'schedules-synced':
        line(`schedules: ${event.upserted.length} in Redis${event.removed.length > 0 ? `, removed ${event.removed.join(', ')} (no longer in the config)` : ''}`);
        break;
      case 'tick':
        if (event.enqueued) line(`${event.resource}: tick ${event.at.toISOString()}, run queued`);
        break;
      case 'run-job':
        if (event.trigger === 'recovery') line(`${event.resource}: job ${event.jobId} recovered from a stopped worker; resuming from the checkpoint`);
        break;
      case 'lease-wait':
        line(`${event.resource}: waiting for the stopped worker's lease to expire`);
        break;
      case 'retry-scheduled':
        line(`${event.resource}: retry ${event.retry} of ${event.retries} in ${(event.delayMs / 1000).toFixed(1)} s, from the checkpoint (${event.error.message})`);
        break;
      case 'gave-up':
        line(`${event.resource}: not retrying (${event.retried > 0 ? `${event.retried} retries spent` : 'the error is permanent'}); next try at the next tick`);
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

function positiveInteger(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError('expected a positive integer');
  return value;
}
