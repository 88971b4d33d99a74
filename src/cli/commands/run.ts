import { Command } from 'commander';
import { openContext, withConfigOption } from '../context.js';
import { ExitCode } from '../exit-code.js';
import { logSecrets } from '../log-settings.js';
import { onShutdownSignals } from '../shutdown-signals.js';

/** `siphon run [source.resource …]`: runs resources now, parents before children. */
export function runCommand(): Command {
  return withConfigOption(
    new Command('run')
      .description('run resources now (default: every resource, parents before children); resumes an interrupted run from its checkpoint')
      .argument('[resources...]', 'source.resource ids or source names')
      .option('--fresh', 'start from the first page instead of resuming an unfinished run (e.g. after changing its paginator)'),
  ).action(async (resources: string[], options: { config?: string; fresh?: boolean }) => {
    const { syncResources } = await import('../../sync/sync-resources.js');
    const { createProgressReporter } = await import('../progress-reporter.js');
    const { createCliLog } = await import('../cli-log.js');
    const context = await openContext(options);
    const log = createCliLog();
    // Bars only for a person at a terminal who asked for the readable lines; anything else gets a log.
    const terminal = log.settings.format === 'pretty' && process.stderr.isTTY === true && log.isLevelEnabled('info');
    const reporter = createProgressReporter({ log, bars: terminal ? process.stderr : undefined });
    const shutdown = onShutdownSignals({ message: 'stopping after the current page', log });
    try {
      const outcomes = await syncResources({
        config: context.config,
        store: context.store,
        only: resources,
        signal: shutdown.signal,
        onEvent: reporter,
        fresh: options.fresh === true,
      });
      reporter.stop();
      const failed = outcomes.filter((outcome) => outcome.error);
      for (const outcome of failed) {
        const verdict = `${outcome.run.resource} ${outcome.run.status}: ${outcome.error?.message}`;
        // A JSON log stays all JSON; its run-end line said this already, the summary repeats it last.
        if (log.settings.format === 'json') {
          log.error(verdict, { event: 'failed', resource: outcome.run.resource, runId: outcome.run.id, status: outcome.run.status });
        } else process.stderr.write(`siphon: ${logSecrets().mask(verdict)}\n`);
      }
      if (shutdown.signal.aborted) process.exitCode = ExitCode.interrupted;
      else if (failed.length > 0) process.exitCode = ExitCode.failed;
    } finally {
      reporter.stop();
      shutdown.dispose();
      await context.close();
    }
  });
}
