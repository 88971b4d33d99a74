import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { loadConfig } from '../../config/index.js';
import { startDemoApi } from '../../demo-api/index.js';
import { openStore } from '../../store/index.js';
import { syncResources } from '../../sync/sync-resources.js';
import { createProgressReporter } from '../progress-reporter.js';

const EXAMPLE = fileURLToPath(new URL('../../../examples/coingecko.yaml', import.meta.url));

/** `siphon quickstart` (`npm start`): the demo API and one run of the CoinGecko example. */
export function quickstartCommand(): Command {
  return new Command('quickstart')
    .description('start the demo API on 127.0.0.1:9000 and sync the CoinGecko example into ./siphon.db once')
    .addOption(new Option('--port <n>', 'demo API port (the example expects 9000)').default('9000'))
    .action(async (options: { port: string }) => {
      const api = await startDemoApi({ port: Number(options.port) });
      process.stdout.write(`demo API listening on ${api.url}\n`);
      const config = await loadConfig({ file: EXAMPLE, cwd: process.cwd() });
      const store = await openStore(config.database);
      const reporter = createProgressReporter();
      try {
        const outcomes = await syncResources({ config, store, onEvent: reporter });
        reporter.stop();
        const failed = outcomes.filter((outcome) => outcome.error);
        if (failed.length > 0) {
          process.exitCode = 1;
          return;
        }
        const table = config.resources[0]?.table.name ?? 'full_coin';
        process.stdout.write(
          [
            '',
            `Synced ${outcomes.map((outcome) => `${outcome.run.records} records into ${table}`).join(', ')} (${config.database}).`,
            'Look at the data:',
            `  npx siphon export ${table} --config examples/coingecko.yaml --format xlsx -o full_coin.xlsx`,
            `  npx siphon export ${table} --config examples/coingecko.yaml --format csv | head`,
            '  npx siphon runs --config examples/coingecko.yaml',
            '',
          ].join('\n'),
        );
      } finally {
        reporter.stop();
        await store.close();
        await api.close();
      }
    });
}
