export interface ShutdownSignals {
  /** Aborted by the first SIGINT/SIGTERM, with `interrupted by SIGTERM` as its reason. */
  readonly signal: AbortSignal;
  /** Resolves with the first signal. */
  readonly requested: Promise<void>;
  /** Removes the handlers. */
  dispose(): void;
}

export interface ShutdownOptions {
  /** What the first signal starts, e.g. `stopping after the current page`. */
  readonly message: string;
  /** Exit with code 1 if the command is still going this long after the first signal. */
  readonly hardExitMs?: number | undefined;
}

/**
 * SIGINT/SIGTERM as every long-running command handles them: the first asks
 * the command to stop at its next safe point (committed work stays), a second
 * exits at once with 130.
 */
export function onShutdownSignals({ message, hardExitMs }: ShutdownOptions): ShutdownSignals {
  const controller = new AbortController();
  let resolveRequested: () => void = () => undefined;
  const requested = new Promise<void>((resolve) => (resolveRequested = resolve));
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals += 1;
    if (signals > 1) process.exit(130);
    process.stderr.write(`\nsiphon: ${signal} received, ${message} (again to exit at once)\n`);
    if (hardExitMs !== undefined) {
      setTimeout(() => {
        process.stderr.write('siphon: did not stop in time; exiting\n');
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
