// One measured step of the memory scenario, alone in its own process so its
// peak RSS is its own. Plain JavaScript on the built package, run by plain
// node as a user's program would be: a TypeScript loader would add its own
// tens of MB. Steps:
//   sync DIR RECORDS CONFIG_JSON  syncs into DIR (the config's sqlite: file)
//   csv DIR / xlsx DIR            export DIR's table `coins`
//   idle                          loads the sync's modules and runs nothing (the floor)
// Each step imports only the entries it uses, as a program doing only that
// would: a sync that imported `siphon-sync/export` too would carry exceljs.
// Every step starts with the heap settings the `siphon` command applies
// (src/cli/heap-settings.ts), so the figures are those of `siphon run` and
// `siphon export`; BENCH_V8_DEFAULTS=1 leaves V8's defaults, as in a program
// of one's own that sets none.
// Prints `{"maxRss": bytes}` on stdout at the end.
import { join } from 'node:path';
import { applyHeapSettings } from '../../dist/cli/heap-settings.js';

if (process.env.BENCH_V8_DEFAULTS !== '1') applyHeapSettings();

const [step, dir, ...args] = process.argv.slice(2);

if (step === 'sync' || step === 'idle') {
  const [{ parseConfig }, { openStore }, { syncResources }] = await Promise.all([
    import('siphon-sync'),
    import('siphon-sync/store'),
    import('siphon-sync/sync'),
  ]);
  // idle stops here: the modules are loaded and nothing runs.
  if (step === 'sync') {
    const [records, input] = args;
    const config = parseConfig(JSON.parse(input), { cwd: dir });
    const store = await openStore(config.database);
    try {
      await store.init();
      const [outcome] = await syncResources({ config, store });
      if (outcome?.error) throw outcome.error;
      if (outcome?.run.status !== 'succeeded' || outcome.run.records !== Number(records)) {
        throw new Error(`memory: run ${outcome?.run.status} with ${outcome?.run.records} of ${records} coins`);
      }
    } finally {
      await store.close();
    }
  }
} else if (step === 'csv' || step === 'xlsx') {
  const [{ openStore }, { exportRows }] = await Promise.all([import('siphon-sync/store'), import('siphon-sync/export')]);
  const store = await openStore(`sqlite:${join(dir, 'coins.db')}`);
  try {
    const columns = (await store.tableColumns('coins')).map((column) => ({
      name: column.name,
      ...(column.type ? { type: column.type } : {}),
    }));
    const { rows } = await store.readTable('coins');
    await exportRows({ columns, rows, format: step, output: join(dir, `coins.${step}`), sheetName: 'coins' });
  } finally {
    await store.close();
  }
} else {
  throw new Error(`memory child: unknown step ${step}; expected sync, csv, xlsx or idle`);
}
// maxRSS is in kilobytes.
process.stdout.write(`${JSON.stringify({ maxRss: process.resourceUsage().maxRSS * 1024 })}\n`);
