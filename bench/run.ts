// `npm run bench [-- --quick] [scenario …]`: runs the scenarios and prints one
// table — figure, goal, baseline, measured, ratio, pass/fail. Every figure is
// a ratio to a baseline taken in the same run, so a slower machine moves both.
// `--quick` (CI) uses smaller sizes and never fails the build on noise: a
// missed goal is reported and the exit code stays 0 (`--strict` exits 1),
// while a scenario that throws is reported in the table and exits 1.
import type { Figure, Scenario } from './harness/figure.js';
import { formatFigures } from './harness/print-table.js';
import { admin } from './scenarios/admin.js';
import { distributed } from './scenarios/distributed.js';
import { endToEnd } from './scenarios/end-to-end.js';
import { latency } from './scenarios/latency.js';
import { manyResources } from './scenarios/many-resources.js';
import { memory } from './scenarios/memory.js';
import { rateLimit } from './scenarios/rate-limit.js';
import { startup } from './scenarios/startup.js';
import { store } from './scenarios/store.js';

const scenarios: readonly Scenario[] = [startup, store, rateLimit, latency, endToEnd, memory, distributed, manyResources, admin];

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const strict = args.includes('--strict');
const names = args.filter((arg) => !arg.startsWith('--'));
const unknown = names.filter((name) => !scenarios.some((scenario) => scenario.name === name));
if (unknown.length > 0) {
  console.error(`unknown scenario ${unknown.join(', ')}; expected one of ${scenarios.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
const chosen = names.length > 0 ? scenarios.filter((scenario) => names.includes(scenario.name)) : scenarios;

const figures: Figure[] = [];
let broken = false;
for (const scenario of chosen) {
  const started = performance.now();
  process.stderr.write(`${scenario.name}: ${scenario.description} …`);
  try {
    figures.push(...(await scenario.run({ quick })));
  } catch (error) {
    // One broken scenario must not hide the others' figures.
    broken = true;
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`\n${scenario.name} failed: ${error instanceof Error ? (error.stack ?? message) : message}\n`);
    figures.push({
      scenario: scenario.name,
      figure: '(the scenario failed)',
      goal: '',
      baseline: '',
      measured: message.split('\n')[0]!,
      ratio: 0,
      pass: false,
    });
  }
  process.stderr.write(` ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}
console.log(`\nnode ${process.version}, ${(await import('node:os')).cpus().length} cores${quick ? ', --quick sizes' : ''}\n`);
console.log(formatFigures(figures));
// A goal missed is a figure; a scenario that broke is a bug in the benchmark.
if (broken || (strict && figures.some((figure) => !figure.pass))) process.exitCode = 1;
