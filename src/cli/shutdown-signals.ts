export interface ShutdownSignals {
  /** Aborted by the first SIGINT/SIGTERM, with `interrupted by SIGTERM` as its reason. */
  readonly signal: AbortSignal;
  /** Resolves with the first signal. */
  readonly requested: Promise<void>;
  /** Removes the handlers. */
  dispose(): void;
}

import type { CliLog } from './cli-log.js';

export interface ShutdownOptions {
  /** What the first signal starts, e.g. `stopping after the current page`. */
  readonly message: string;
  /** Exit with code 1 if the command is still going this long after the first signal. */
  readonly hardExitMs?: number | undefined;
  /** The command's log, so a JSON log stays all JSON. @default plain `siphon: …` lines on stderr */
  readonly log?: Pick<CliLog, 'warn' | 'error'> | undefined;
}

/**
 * SIGINT/SIGTERM as every long-running command handles them: the first asks
 * the command to stop at its next safe point (committed work stays), a second
 * exits at once with 130.
 */
export function onShutdownSignals({ message, hardExitMs, log }: ShutdownOptions): ShutdownSignals {
  const controller = new AbortController();
  let resolveRequested: () => void = () => undefined;
  const requested = new Promise<void>((resolve) => (resolveRequested = resolve));
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals += 1;
    if (signals > 1) process.exit(130);
    const received = `siphon: ${signal} received, ${message} (again to exit at once)`;
    if (log) log.warn(received, { event: 'signal', signal });
    else process.stderr.write(`\n${received}\n`);
    if (hardExitMs !== undefined) {
      setTimeout(() => {
        if (log) log.error('siphon: did not stop in time; exiting', { event: 'hard-exit' });
        else process.stderr.write('siphon: did not stop in time; exiting\n');
        process.exit(1);
      }, hardExitMs).unref();
    }
    controller.abort(new Error(`interrupted by ${signal}`));
    resolveRequested();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    requested,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
