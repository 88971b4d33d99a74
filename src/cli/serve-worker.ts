import type { ServeMetricsOptions } from '../metrics/serve-metrics.js';
import type { DistributedEvent } from '../runtime/distributed/distributed-events.js';
import { tuningFromEnv } from '../runtime/distributed/distributed-options.js';
import { DistributedRuntime } from '../runtime/distributed/distributed-runtime.js';
import { redactRedisUrl } from '../runtime/distributed/redis-connection.js';
import { defaultWorker } from '../sync/lease-owner.js';
import type { SyncEvent } from '../sync/sync-events.js';
import type { CliLog } from './cli-log.js';
import { createProgressReporter } from './progress-reporter.js';
import { gaveUpLine, retryLine } from './runtime-lines.js';
import { onShutdownSignals } from './shutdown-signals.js';

/** Active runs get this long after SIGTERM to finish before they are interrupted and handed back to the queue. */
const CLOSE_TIMEOUT_MS = 10_000;

/** Runs a distributed worker until SIGINT/SIGTERM, logging its events (each line with the worker's id). */
export async function serveWorker(
  options: Pick<ConstructorParameters<typeof DistributedRuntime>[0], 'config' | 'store' | 'redisUrl' | 'concurrency'> & {
    /** Serves this worker's Prometheus metrics (`--metrics-port`). */
    readonly metrics?: Omit<ServeMetricsOptions, 'metrics'> | undefined;
  },
): Promise<void> {
  const { metrics: metricsServer, ...runtimeOptions } = options;
  const { createCliLog } = await import('./cli-log.js');
  const log = createCliLog().child({ worker: defaultWorker() });
  const logEvent = createWorkerLog(log);
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
  if (served) log.info(`metrics: ${served.url}/metrics`, { event: 'metrics', url: `${served.url}/metrics` });
  const onEvent = (event: DistributedEvent): void => {
    logEvent(event);
    metrics?.observe(event);
  };
  const runtime = new DistributedRuntime({ ...tuningFromEnv(), ...runtimeOptions, onEvent });
  // First signal: finish or hand back the jobs; second: leave now (BullMQ hands the jobs to others once their lock expires).
  const shutdown = onShutdownSignals({ message: 'stopping the worker', log });
  try {
    await runtime.start();
    const { prefix, concurrency, lockDurationMs, leaseMs } = runtime.tuning;
    log.info(
      `worker started (pid ${process.pid}) on ${redactRedisUrl(options.redisUrl)} prefix "${prefix}", concurrency ${concurrency}, lock ${lockDurationMs} ms, lease ${leaseMs} ms`,
      { event: 'started', redis: redactRedisUrl(options.redisUrl), prefix, concurrency, lockDurationMs, leaseMs },
    );
    await shutdown.requested;
  } finally {
    try {
      await runtime.close({ timeoutMs: CLOSE_TIMEOUT_MS });
      log.info('worker stopped', { event: 'stopped' });
    } finally {
      shutdown.dispose();
      await served?.close();
    }
  }
}

/** The worker's log: the runs' own (the `siphon run` progress log) and the worker's events. */
function createWorkerLog(log: CliLog): (event: DistributedEvent) => void {
  const runs = createProgressReporter({ log });
  return (event) => {
    switch (event.type) {
      case 'schedules-synced':
        log.info(
          `schedules: ${event.upserted.length} in Redis${event.removed.length > 0 ? `, removed ${event.removed.join(', ')} (no longer in the config)` : ''}`,
          { event: event.type, upserted: event.upserted, removed: event.removed },
        );
        break;
      case 'tick':
        if (event.enqueued)
          log.info(`${event.resource}: tick ${event.at.toISOString()}, run queued`, {
            event: event.type,
            resource: event.resource,
            at: event.at,
          });
        break;
      case 'run-job': {
        const fields = {
          event: event.type,
          resource: event.resource,
          jobId: event.jobId,
          trigger: event.trigger,
          jobAttempt: event.jobAttempt,
        };
        if (event.trigger === 'recovery')
          log.info(`${event.resource}: job ${event.jobId} recovered from a stopped worker; resuming from the checkpoint`, fields);
        else log.debug(`${event.resource}: job ${event.jobId} (${event.trigger})`, fields);
        break;
      }
      case 'retry-scheduled':
        log.warn(retryLine(event), {
          event: event.type,
          resource: event.resource,
          jobId: event.jobId,
          retry: event.retry,
          retries: event.retries,
          delayMs: event.delayMs,
          error: event.error,
        });
        break;
      case 'gave-up':
        log.warn(gaveUpLine(event), {
          event: event.type,
          resource: event.resource,
          runId: event.run?.id,
          retried: event.retried,
          error: event.error,
        });
        break;
      case 'requeued':
        log.info(`${event.resource}: interrupted by the shutdown; job ${event.jobId} is back in the queue for another worker`, {
          event: event.type,
          resource: event.resource,
          jobId: event.jobId,
        });
        break;
      case 'worker-error':
        log.error(`worker error: ${event.error.message}`, { event: event.type, error: event.error });
        break;
      case 'close-timeout':
        log.warn(`still running after ${event.timeoutMs} ms, interrupting: ${event.resources.join(', ')}`, {
          event: event.type,
          timeoutMs: event.timeoutMs,
          resources: event.resources,
        });
        break;
      default:
        runs(event satisfies SyncEvent);
    }
  };
}
