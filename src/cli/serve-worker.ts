import type { ServeMetricsOptions } from '../metrics/serve-metrics.js';
import type { DistributedEvent } from '../runtime/distributed/distributed-events.js';
import { tuningFromEnv } from '../runtime/distributed/distributed-options.js';
import { DistributedRuntime } from '../runtime/distributed/distributed-runtime.js';
import { redactRedisUrl } from '../runtime/distributed/redis-connection.js';
import { defaultWorker } from '../sync/lease-owner.js';
import type { SyncEvent } from '../sync/sync-events.js';
import { logLine, logStream } from './log-output.js';
import { createProgressReporter } from './progress-reporter.js';
import { gaveUpLine, retryLine } from './runtime-lines.js';
import { onShutdownSignals } from './shutdown-signals.js';

/** Active runs get this long after SIGTERM to finish before they are interrupted and handed back to the queue. */
const CLOSE_TIMEOUT_MS = 10_000;

/** Runs a distributed worker until SIGINT/SIGTERM, logging its events as timestamped lines. */
export async function serveWorker(
  options: Pick<ConstructorParameters<typeof DistributedRuntime>[0], 'config' | 'store' | 'redisUrl' | 'concurrency'> & {
    /** Serves this worker's Prometheus metrics (`--metrics-port`). */
    readonly metrics?: Omit<ServeMetricsOptions, 'metrics'> | undefined;
  },
): Promise<void> {
  const { metrics: metricsServer, ...runtimeOptions } = options;
  const log = createWorkerLog();
  // prom-client loads only when metrics are asked for.
  const metrics = metricsServer
    ? new (await import('../metrics/siphon-metrics.js')).SiphonMetrics({
        config: options.config,
        store: options.store,
        labels: { worker: defaultWorker() },
      })
    : undefined;
  const served =
    metricsServer && metrics ? await (await import('../metrics/serve-metrics.js')).serveMetrics({ ...metricsServer, metrics }) : undefined;
  if (served) line(`metrics: ${served.url}/metrics`);
  const onEvent = (event: DistributedEvent): void => {
    log(event);
    metrics?.observe(event);
  };
  const runtime = new DistributedRuntime({ ...tuningFromEnv(), ...runtimeOptions, onEvent });
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
      await served?.close();
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
