import type { ResolvedConfig } from '../config/types.js';
import { ConfigError } from '../errors/config-error.js';
import { EmbeddedRuntime } from '../runtime/embedded/embedded-runtime.js';
import { scheduleTable } from '../runtime/embedded/schedule-table.js';
import type { Runtime, RuntimeEvent } from '../runtime/runtime.js';
import type { Store } from '../store/types.js';
import type { SyncEvent } from '../sync/sync-events.js';
import { logLine, logStream } from './log-output.js';
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
  /** @default process.stdout */
  readonly out?: NodeJS.WritableStream | undefined;
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
  const out = logStream(options.out ?? process.stdout);
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
  const reporter = createRuntimeReporter(out);
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

  const shutdown = onShutdownSignals({ message: 'interrupting runs at the next page boundary', hardExitMs: HARD_EXIT_MS });
  try {
    await runtime.start();
    await options.onStarted?.(runtime);
    logLine(out, `scheduler started (pid ${process.pid}); SIGINT or SIGTERM stops it`);
    await shutdown.requested;
  } finally {
    try {
      await runtime.close({ timeoutMs: CLOSE_TIMEOUT_MS });
      logLine(out, 'scheduler stopped');
    } finally {
      shutdown.dispose();
    }
  }
}

/** Plain timestamped lines for runs (the `siphon run` line reporter) and for the scheduler's own events. */
export function createRuntimeReporter(out: NodeJS.WriteStream): (event: RuntimeEvent) => void {
  const runs = createProgressReporter(out);
  const write = (line: string): void => logLine(out, line);
  return (event) => {
    switch (event.type) {
      case 'tick':
        write(`${event.resource}: scheduled run (${event.schedule})`);
        break;
      case 'catch-up':
        write(
          event.lastRun?.status === 'interrupted'
            ? `${event.resource}: catch-up run (run ${event.lastRun.id} was interrupted; resuming it from its checkpoint)`
            : `${event.resource}: catch-up run (missed the ${event.missedAt?.toISOString() ?? 'last'} tick; last run ${event.lastRun?.startedAt ?? 'never'})`,
        );
        break;
      case 'recovery':
        // Only the lease tells whether its process stopped: another scheduler may still be running it (then this one skips).
        write(
          `${event.resource}: recovering run ${event.runId}, left running (last heartbeat ${event.heartbeatAt ?? 'none'}), unless its process still holds the lease`,
        );
        break;
      case 'retry-scheduled':
        write(retryLine(event));
        break;
      case 'gave-up':
        write(gaveUpLine(event));
        break;
      case 'runtime-error':
        write(`${event.resource ?? 'scheduler'}: error: ${event.error.message}`);
        break;
      case 'close-timeout':
        write(`scheduler: still running after ${event.timeoutMs} ms: ${event.resources.join(', ')}`);
        break;
      default:
        runs(event satisfies SyncEvent);
    }
  };
}
