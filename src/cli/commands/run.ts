import { Command } from 'commander';
import { syncResources } from '../../sync/sync-resources.js';
import { openContext, withConfigOption } from '../context.js';
import { createProgressReporter } from '../progress-reporter.js';

/** `siphon run [source.resource …]`: runs resources now, parents before children. */
export function runCommand(): Command {
  return withConfigOption(
    new Command('run')
      .description('run resources now (default: every resource, parents before children); resumes an interrupted run from its checkpoint')
      .argument('[resources...]', 'source.resource ids or source names')
      .option('--fresh', 'start from the first page instead of resuming an unfinished run (e.g. after changing its paginator)'),
  ).action(async (resources: string[], options: { config?: string; fresh?: boolean }) => {
    const context = await openContext(options);
    const reporter = createProgressReporter();
    const controller = new AbortController();
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals): void => {
      signals += 1;
      // First signal: stop at the next page boundary, keeping what is committed; second: leave now.
      if (signals > 1) process.exit(130);
      process.stderr.write(`\nsiphon: ${signal} received, stopping after the current page (again to exit at once)\n`);
      controller.abort(new Error(`interrupted by ${signal}`));
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      const outcomes = await syncResources({
        config: context.config,
        store: context.store,
        only: resources,
        signal: controller.signal,
        onEvent: reporter,
        fresh: options.fresh === true,
      });
      reporter.stop();
      const failed = outcomes.filter((outcome) => outcome.error);
      for (const outcome of failed) {
        process.stderr.write(`siphon: ${outcome.run.resource} ${outcome.run.status}: ${outcome.error?.message}\n`);
      }
      if (failed.length > 0 || controller.signal.aborted) process.exitCode = 1;
    } finally {
      reporter.stop();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await context.close();
    }
  });
}
