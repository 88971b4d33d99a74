import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { ADMIN_HOST, ADMIN_PORT, portNumber } from '../admin-cli-options.js';

const EXAMPLE = fileURLToPath(new URL('../../../examples/coingecko.yaml', import.meta.url));

/** `siphon quickstart` (`npm start`): the demo API, the CoinGecko example on its schedule, and the web admin. */
export function quickstartCommand(): Command {
  return new Command('quickstart')
    .description(
      'start the demo API on 127.0.0.1:9000, run the CoinGecko example on its schedule (every 3 minutes, first run at once) ' +
        'and serve the web admin on 127.0.0.1:8080 (a one-time login link is printed), until SIGINT/SIGTERM',
    )
    .addOption(new Option('--port <n>', 'demo API port (the example expects 9000)').default('9000'))
    .addOption(new Option('--admin-port <n>', 'web admin port').argParser(portNumber).default(ADMIN_PORT))
    .option('--no-admin', 'do not serve the web admin')
    .action(async (options: { port: string; adminPort: number; admin: boolean }) => {
      const { startDemoApi } = await import('../../demo-api/server.js');
      const { loadConfig } = await import('../../config/load-config.js');
      const { openStore } = await import('../../store/open-store.js');
      const { runScheduler } = await import('../run-scheduler.js');
      const { startAdmin } = await import('../start-admin.js');
      const { SchedulerRunNow } = await import('../scheduler-run-now.js');
      const api = await startDemoApi({ port: Number(options.port) });
      try {
        process.stdout.write(`demo API listening on ${api.url}\n`);
        const config = await loadConfig({ file: EXAMPLE, cwd: process.cwd() });
        const store = await openStore(config.database);
        const runNow = new SchedulerRunNow();
        try {
          await store.init();
          const admin = options.admin
            ? await startAdmin({ config, store, host: ADMIN_HOST, port: options.adminPort, runNow, link: 'ticket' })
            : undefined;
          const table = config.resources[0]?.table.name ?? 'full_coin';
          let shown = false;
          try {
            await runScheduler({
              config,
              store,
              // The demo is the embedded runtime, whatever the environment says.
              allowDistributed: false,
              onStarted: (runtime) => runNow.attach(runtime, undefined),
              onEvent: (event) => {
                if (event.type !== 'run-end' || event.error || shown) return;
                shown = true;
                process.stdout.write(
                  [
                    '',
                    `Synced ${event.run.records} records into ${table} (${config.database}); next runs every 3 minutes, Ctrl-C stops.`,
                    'Look at the data:',
                    ...(admin ? [`  in the web admin at ${admin.url}/tables/${table} (log in with the link printed above)`] : []),
                    `  npx siphon export ${table} --config examples/coingecko.yaml --format xlsx -o full_coin.xlsx`,
                    `  npx siphon export ${table} --config examples/coingecko.yaml --format csv | head`,
                    '  npx siphon runs --config examples/coingecko.yaml',
                    '',
                  ].join('\n'),
                );
              },
            });
          } finally {
            await admin?.close();
          }
        } finally {
          await runNow.close();
          await store.close();
        }
      } finally {
        await api.close();
      }
    });
}
