import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';

const EXAMPLE = fileURLToPath(new URL('../../../examples/coingecko.yaml', import.meta.url));

/** `siphon quickstart` (`npm start`): the demo API and the CoinGecko example on its schedule. */
export function quickstartCommand(): Command {
  return new Command('quickstart')
    .description(
      'start the demo API on 127.0.0.1:9000 and run the CoinGecko example on its schedule (every 3 minutes, first run at once) until SIGINT/SIGTERM',
    )
    .addOption(new Option('--port <n>', 'demo API port (the example expects 9000)').default('9000'))
    .action(async (options: { port: string }) => {
      const { startDemoApi } = await import('../../demo-api/server.js');
      const { loadConfig } = await import('../../config/load-config.js');
      const { openStore } = await import('../../store/open-store.js');
      const { runScheduler } = await import('../run-scheduler.js');
      const api = await startDemoApi({ port: Number(options.port) });
      try {
        process.stdout.write(`demo API listening on ${api.url}\n`);
        const config = await loadConfig({ file: EXAMPLE, cwd: process.cwd() });
        const store = await openStore(config.database);
        try {
          await store.init();
          const table = config.resources[0]?.table.name ?? 'full_coin';
          let shown = false;
          await runScheduler({
            config,
            store,
            // The demo is the embedded runtime, whatever the environment says.
            allowDistributed: false,
            onEvent: (event) => {
              if (event.type !== 'run-end' || event.error || shown) return;
              shown = true;
              process.stdout.write(
                [
                  '',
                  `Synced ${event.run.records} records into ${table} (${config.database}); next runs every 3 minutes, Ctrl-C stops.`,
                  'Look at the data:',
                  `  npx siphon export ${table} --config examples/coingecko.yaml --format xlsx -o full_coin.xlsx`,
                  `  npx siphon export ${table} --config examples/coingecko.yaml --format csv | head`,
                  '  npx siphon runs --config examples/coingecko.yaml',
                  '',
                ].join('\n'),
              );
            },
          });
        } finally {
          await store.close();
        }
      } finally {
        await api.close();
      }
    });
}
