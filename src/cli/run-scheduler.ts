import type { ResolvedConfig } from '../config/types.js';
import { ConfigError } from '../errors/config-error.js';
import { EmbeddedRuntime } from '../runtime/embedded/embedded-runtime.js';
import { scheduleTable } from '../runtime/embedded/schedule-table.js';
import type { Runtime, RuntimeEvent } from '../runtime/runtime.js';
import type { Store } from '../store/types.js';
import type { SyncEvent } from '../sync/sync-events.js';
import type { CliLog } from './cli-log.js';
import { formatTable } from './print-table.js';
import { createProgressReporter } from './progress-reporter.js';
import { gaveUpLine, retryLine } from './runtime-lines.js';
import { onShutdownSignals } from './shutdown-signals.js';

/** Exit within 10 s of the first signal: runs get most of it to record their checkpoint. */
const CLOSE_TIMEOUT_MS = 8_000;
const HARD_EXIT_MS = 9_500;

export interface RunSchedulerOptions {
  readonly config: ResolvedConfig;
  /** Initialised; the caller closes it. */
  readonly store: Store;
  /** Called with every event after it is logged. */
  readonly onEvent?: ((event: RuntimeEvent) => void) | undefined;
  /** Where the schedule table goes: it is data, the log is not. @default process.stdout */
  readonly out?: NodeJS.WritableStream | undefined;
  /** @default createCliLog() */
  readonly log?: CliLog | undefined;
  /**
   * Whether `REDIS_URL` hands the schedules to the distributed mode.
   * @default true
   */
  readonly allowDistributed?: boolean | undefined;
  /** Called once the schedules run, with the runtime (the admin's Run now goes to it). */
  readonly onStarted?: ((runtime: Runtime) => void | Promise<void>) | undefined;
}

/**
 * Prints the schedule table, runs the schedules until SIGINT/SIGTERM, then
 * closes the runtime: a first signal interrupts runs at a page boundary (their
 * checkpoint stays), a second exits at once with code 130.
 */
export async function runScheduler(options: RunSchedulerOptions): Promise<void> {
  const out = options.out ?? process.stdout;
  const log = options.log ?? (await import('./cli-log.js')).createCliLog();
  const rows = scheduleTable(options.config);
  if (rows.length === 0) {
    throw new ConfigError('', 'no resource has a `schedule` (e.g. schedule: "*/15 * * * *"); `siphon run` syncs resources once');
  }
  out.write(
    formatTable(
      ['resource', 'cron', 'tz', 'next run'],
      rows.map((row) => [row.resource, row.schedule, row.timezone, row.nextRun?.toISOString() ?? 'never']),
    ),
  );
  const reporter = createRuntimeReporter(log);
  const onEvent = (event: RuntimeEvent): void => {
    reporter(event);
    options.onEvent?.(event);
  };
  // BullMQ and ioredis load only when REDIS_URL asks for the distributed mode.
  const runtime =
    process.env.REDIS_URL && options.allowDistributed !== false
      ? (await import('../runtime/distributed/start-distributed-scheduler.js')).startDistributedScheduler(options.config, options.store, {
          redisUrl: process.env.REDIS_URL,
          onError: (error: Error) => onEvent({ type: 'runtime-error', resource: undefined, trigger: undefined, error }),
        })
      : new EmbeddedRuntime({ config: options.config, store: options.store, onEvent });

  const shutdown = onShutdownSignals({ message: 'interrupting runs at the next page boundary', hardExitMs: HARD_EXIT_MS, log });
  try {
    await runtime.start();
    await options.onStarted?.(runtime);
    log.info(`scheduler started (pid ${process.pid}); SIGINT or SIGTERM stops it`, { event: 'started' });
    await shutdown.requested;
  } finally {
    try {
      await runtime.close({ timeoutMs: CLOSE_TIMEOUT_MS });
      log.info('scheduler stopped', { event: 'stopped' });
    } finally {
      shutdown.dispose();
    }
  }
}

/** The log of runs (the `siphon run` progress log) and of the scheduler's own events. */
export function createRuntimeReporter(
  log: CliLog,
  options: { readonly progressIntervalMs?: number | undefined } = {},
): (event: RuntimeEvent) => void {
  const runs = createProgressReporter({ log, intervalMs: options.progressIntervalMs });
  return (event) => {
    const fields = { event: event.type, resource: 'resource' in event ? event.resource : undefined };
    switch (event.type) {
      case 'tick':
        log.info(`${event.resource}: scheduled run (${event.schedule})`, { ...fields, schedule: event.schedule });
        break;
      case 'catch-up':
        log.info(
          event.lastRun?.status === 'interrupted'
            ? `${event.resource}: catch-up run (run ${event.lastRun.id} was interrupted; resuming it from its checkpoint)`
            : `${event.resource}: catch-up run (missed the ${event.missedAt?.toISOString() ?? 'last'} tick; last run ${event.lastRun?.startedAt ?? 'never'})`,
          { ...fields, lastRunId: event.lastRun?.id, missedAt: event.missedAt },
        );
        break;
      case 'recovery':
        // Only the lease tells whether its process stopped: another scheduler may still be running it (then this one skips).
        log.info(
          `${event.resource}: recovering run ${event.runId}, left running (last heartbeat ${event.heartbeatAt ?? 'none'}), unless its process still holds the lease`,
          { ...fields, runId: event.runId, heartbeatAt: event.heartbeatAt },
        );
        break;
      case 'retry-scheduled':
        log.warn(retryLine(event), {
          ...fields,
          runId: event.run?.id,
          retry: event.retry,
          retries: event.retries,
          delayMs: event.delayMs,
          error: event.error,
        });
        break;
      case 'gave-up':
        log.warn(gaveUpLine(event), { ...fields, runId: event.run?.id, retried: event.retried, error: event.error });
        break;
      case 'runtime-error':
        log.error(`${event.resource ?? 'scheduler'}: error: ${event.error.message}`, {
          ...fields,
          trigger: event.trigger,
          error: event.error,
        });
        break;
      case 'close-timeout':
        log.warn(`scheduler: still running after ${event.timeoutMs} ms: ${event.resources.join(', ')}`, {
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
