import { Writable } from 'node:stream';
import { Command } from 'commander';
import type { ResolvedConfig } from '../../config/types.js';
import { ConfigError } from '../../errors/config-error.js';
import { EmbeddedRuntime } from '../../runtime/embedded/embedded-runtime.js';
import { scheduleTable } from '../../runtime/embedded/schedule-table.js';
import type { Runtime, RuntimeEvent } from '../../runtime/runtime.js';
import type { Store } from '../../store/types.js';
import type { SyncEvent } from '../../sync/sync-events.js';
import { openContext, withConfigOption } from '../context.js';
import { formatTable } from '../print-table.js';
import { createProgressReporter } from '../progress-reporter.js';

/** Exit within 10 s of the first signal: runs get most of it to record their checkpoint. */
const CLOSE_TIMEOUT_MS = 8_000;
const HARD_EXIT_MS = 9_500;

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
      await runScheduler({ config: context.config, store: context.store });
    } finally {
      await context.close();
    }
  });
}

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
}

/**
 * Prints the schedule table, runs the schedules until SIGINT/SIGTERM, then
 * closes the runtime: a first signal interrupts runs at a page boundary (their
 * checkpoint stays), a second exits at once with code 130.
 */
export async function runScheduler(options: RunSchedulerOptions): Promise<void> {
  const out = lineStream(options.out ?? process.stdout);
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
  const runtime = process.env.REDIS_URL && options.allowDistributed !== false
    ? await startDistributed(options.config, options.store, {
        redisUrl: process.env.REDIS_URL,
        onError: (error: Error) => onEvent({ type: 'runtime-error', resource: undefined, trigger: undefined, error }),
      })
    : new EmbeddedRuntime({ config: options.config, store: options.store, onEvent });

  let signals = 0;
  let stop: (signal: NodeJS.Signals) => void = () => undefined;
  const stopped = new Promise<NodeJS.Signals>((resolve) => (stop = resolve));
  const onSignal = (signal: NodeJS.Signals): void => {
    signals += 1;
    if (signals > 1) process.exit(130);
    process.stderr.write(`\nsiphon: ${signal} received, interrupting runs at the next page boundary (again to exit at once)\n`);
    setTimeout(() => {
      process.stderr.write('siphon: runs did not stop in time; exiting\n');
      process.exit(1);
    }, HARD_EXIT_MS).unref();
    stop(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await runtime.start();
    out.write(`${new Date().toISOString()} scheduler started (pid ${process.pid}); SIGINT or SIGTERM stops it\n`);
    await stopped;
  } finally {
    try {
      await runtime.close({ timeoutMs: CLOSE_TIMEOUT_MS });
      out.write(`${new Date().toISOString()} scheduler stopped\n`);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
}

/** Plain timestamped lines for runs (the `siphon run` line reporter) and for the scheduler's own events. */
export function createRuntimeReporter(out: NodeJS.WriteStream): (event: RuntimeEvent) => void {
  const runs = createProgressReporter(out);
  const write = (line: string): void => void out.write(`${new Date().toISOString()} ${line}\n`);
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
        write(`${event.resource}: recovering run ${event.runId}, left running by a stopped process (last heartbeat ${event.heartbeatAt ?? 'none'})`);
        break;
      case 'retry-scheduled':
        write(`${event.resource}: retry ${event.retry} of ${event.retries} in ${(event.delayMs / 1000).toFixed(1)} s, from the checkpoint (${event.error.message})`);
        break;
      case 'gave-up':
        write(`${event.resource}: not retrying (${event.retried > 0 ? `${event.retried} retries spent` : 'the error is permanent'}); next try at the next tick`);
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

/**
 * The progress reporter draws bars on a terminal; a scheduler's output is a
 * log, so it gets a stream that is never a TTY and writes through at once
 * (keeping its lines in order with ours).
 */
function lineStream(target: NodeJS.WritableStream): NodeJS.WriteStream {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      target.write(chunk);
      callback();
    },
  });
  return Object.assign(stream, { isTTY: false }) as unknown as NodeJS.WriteStream;
}

/**
 * With REDIS_URL the schedules belong to the distributed mode (BullMQ), which
 * ships as its own module and may be missing from this build.
 */
async function startDistributed(config: ResolvedConfig, store: Store, options: { redisUrl: string; onError: (error: Error) => void }): Promise<Runtime> {
  // A variable specifier: the module is optional, so the compiler must not require it.
  const specifier = '../../runtime/bullmq/index.js';
  let module: Record<string, unknown> = {};
  try {
    module = (await import(specifier)) as Record<string, unknown>;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' || !String((error as Error).message).includes('bullmq/index')) throw error;
  }
  const start = module.startDistributedScheduler;
  if (typeof start !== 'function') {
    throw new ConfigError(
      'REDIS_URL',
      'REDIS_URL is set but the distributed mode is not available: use `siphon worker` (distributed mode), or unset REDIS_URL to run the embedded scheduler',
    );
  }
  return (await (start as (config: ResolvedConfig, store: Store, options: object) => Promise<Runtime> | Runtime)(config, store, options)) satisfies Runtime;
}
