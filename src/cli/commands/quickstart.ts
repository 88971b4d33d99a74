import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import type { ResolvedConfig } from '../../config/types.js';
import { ADMIN_HOST, ADMIN_PORT, portNumber } from '../admin-cli-options.js';

const EXAMPLE = fileURLToPath(new URL('../../../examples/coingecko.yaml', import.meta.url));
/** Where the example expects the demo API (`npx siphon demo-api --port 9000`). */
const EXAMPLE_ORIGIN = 'http://127.0.0.1:9000';
/**
 * The quickstart's database, relative to the current directory: data goes
 * where the user is, never inside the installed package.
 */
const QUICKSTART_DATABASE = 'sqlite:./siphon.db';

/** `siphon quickstart` (`npm start`): the demo API, the CoinGecko example on its schedule, and the web admin. */
export function quickstartCommand(): Command {
  return new Command('quickstart')
    .description(
      'start the demo API on 127.0.0.1:9000, run the CoinGecko example against it on its schedule (every 3 minutes, first run at once) ' +
        'into siphon.db in the current directory (SIPHON_DATABASE overrides), and serve the web admin on 127.0.0.1:8080 ' +
        '(a one-time login link is printed), until SIGINT/SIGTERM',
    )
    .addOption(new Option('--port <n>', 'demo API port; the example is pointed at it').argParser(portNumber).default(9000))
    .addOption(new Option('--admin-port <n>', 'web admin port').argParser(portNumber).default(ADMIN_PORT))
    .option('--no-admin', 'do not serve the web admin')
    .action(async (options: { port: number; adminPort: number; admin: boolean }) => {
      const { startDemoApi } = await import('../../demo-api/server.js');
      const { loadConfig } = await import('../../config/load-config.js');
      const { openStore } = await import('../../store/open-store.js');
      const { runScheduler } = await import('../run-scheduler.js');
      const { startAdmin } = await import('../start-admin.js');
      const { SchedulerRunNow } = await import('../scheduler-run-now.js');
      const { createCliLog } = await import('../cli-log.js');
      const { addLogSecrets } = await import('../log-settings.js');
      const { envSubstitutions } = await import('../../config/env-substitutions.js');
      const log = createCliLog();
      const api = await startDemoApi({ port: options.port });
      try {
        process.stdout.write(`demo API listening on ${api.url}\n`);
        const ownDatabase = process.env.SIPHON_DATABASE !== undefined;
        const loaded = await loadConfig({
          file: EXAMPLE,
          cwd: process.cwd(),
          env: { ...process.env, SIPHON_DATABASE: process.env.SIPHON_DATABASE ?? QUICKSTART_DATABASE },
        });
        addLogSecrets(envSubstitutions(loaded).map((substitution) => substitution.value));
        const config = pointAt(loaded, EXAMPLE_ORIGIN, api.url);
        const inside = relative(process.cwd(), EXAMPLE);
        const example = inside.startsWith('..') || isAbsolute(inside) ? EXAMPLE : inside;
        // The commands below read the same database; a database the user named stays in their environment, unprinted.
        const siphon = ownDatabase ? 'npx siphon' : `SIPHON_DATABASE=${QUICKSTART_DATABASE} npx siphon`;
        process.stdout.write(
          `example ${example} → ${api.url}, data in ${ownDatabase ? 'SIPHON_DATABASE' : config.database.replace(/^sqlite:/, '')}\n`,
        );
        const store = await openStore(config.database);
        const runNow = new SchedulerRunNow();
        try {
          await store.init();
          const admin = options.admin
            ? await startAdmin({ config, store, host: ADMIN_HOST, port: options.adminPort, runNow, link: 'ticket', log })
            : undefined;
          const table = config.resources[0]?.table.name ?? 'full_coin';
          let shown = false;
          try {
            await runScheduler({
              config,
              store,
              log,
              // The demo is the embedded runtime, whatever the environment says.
              allowDistributed: false,
              onStarted: (runtime) => runNow.attach(runtime, undefined),
              onEvent: (event) => {
                if (event.type !== 'run-end' || event.error || shown) return;
                shown = true;
                process.stdout.write(
                  [
                    '',
                    `Synced ${event.run.records} records into ${table}; next runs every 3 minutes, Ctrl-C stops.`,
                    'Look at the data:',
                    ...(admin ? [`  in the web admin at ${admin.url}/tables/${table} (log in with the link printed above)`] : []),
                    `  ${siphon} export ${table} --config ${example} --format xlsx -o full_coin.xlsx`,
                    `  ${siphon} export ${table} --config ${example} --format csv | head`,
                    `  ${siphon} runs --config ${example}`,
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

/** The config with every URL under `from` (the example's demo address) moved to `to`. */
function pointAt(config: ResolvedConfig, from: string, to: string): ResolvedConfig {
  const move = (url: string): string => (url === from || url.startsWith(`${from}/`) ? to + url.slice(from.length) : url);
  const sources = Object.fromEntries(
    Object.entries(config.sources).map(([name, source]) => [name, { ...source, baseUrl: move(source.baseUrl) }]),
  );
  const resources = config.resources.map((resource) => ({
    ...resource,
    url: move(resource.url),
    source: sources[resource.source.name] ?? resource.source,
  }));
  return { ...config, sources, resources };
}
