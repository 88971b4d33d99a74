// One worker of the many-resources scenario: a DistributedRuntime on the
// built package, as `siphon worker` runs it, with its store and its HTTP
// requests timed. Prints `ready` once it takes jobs; on `stop` (a line on
// stdin) it closes and prints one JSON line of what its runs cost.
// argv: configFile redisUrl prefix concurrency
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { parseConfig } from 'siphon-sync';
import { DistributedRuntime } from 'siphon-sync/distributed';
import { openStore } from 'siphon-sync/store';
import { timeRequests } from './request-timer.js';
import { timedStore } from './timed-store.js';

const [file, redisUrl, prefix, concurrency] = process.argv.slice(2) as [string, string, string, string];
const config = parseConfig(JSON.parse(readFileSync(file, 'utf8')) as unknown, { cwd: dirname(file) });
const opened = await openStore(config.database);
await opened.init();
const { store, times } = timedStore(opened);
const requests = timeRequests();
const startedAt = new Map<string, number>();
let runs = 0;
let runMs = 0;
let failed = 0;
const runtime = new DistributedRuntime({
  config,
  store,
  redisUrl,
  prefix,
  concurrency: Number(concurrency),
  onEvent(event) {
    if (event.type === 'run-job') startedAt.set(event.resource, performance.now());
    if (event.type === 'run-end') {
      runs += 1;
      if (event.error) failed += 1;
      runMs += performance.now() - (startedAt.get(event.resource) ?? performance.now());
    }
  },
});
await runtime.start();
const cpuBefore = process.cpuUsage();
console.log('ready');

for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() === 'stop') break;
}
const cpu = process.cpuUsage(cpuBefore);
await runtime.close({ timeoutMs: 5000 });
requests.stop();
await opened.close();
console.log(
  JSON.stringify({
    runs,
    failed,
    runMs,
    requests: requests.requests,
    requestMs: requests.ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    store: [...times],
  }),
);
