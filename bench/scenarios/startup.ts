// Goal 1: each command loads only what it uses; the engine's entry loads no
// database, queue or spreadsheet module. Measured against bare `node` in the
// same run, commands interleaved.
import { fileURLToPath } from 'node:url';
import { type Figure, ms, type Scenario } from '../harness/figure.js';
import { medianWallTimes } from '../harness/time-commands.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

export const startup: Scenario = {
  name: 'startup',
  description: '`siphon --version`/`--help` and the root import, beside bare node',
  async run({ quick }) {
    const node = process.execPath;
    const commands = [
      [node, '-e', '0'],
      [node, 'bin/siphon.js', '--version'],
      [node, 'bin/siphon.js', '--help'],
      [node, '--input-type=module', '-e', "import { paginate } from 'siphon-sync'"],
    ];
    const [bare, version, help, entry] = medianWallTimes(commands, quick ? 7 : 21, root) as [number, number, number, number];
    const figure = (name: string, measured: number, allowance: number): Figure => ({
      scenario: 'startup',
      figure: name,
      goal: `≤ node + ${allowance} ms`,
      baseline: `node -e 0: ${ms(bare)}`,
      measured: `${ms(measured)} (+${ms(measured - bare)})`,
      ratio: measured / bare,
      pass: measured - bare <= allowance,
    });
    return [
      figure('siphon --version', version, 150),
      figure('siphon --help', help, 150),
      figure("import { paginate } from 'siphon-sync'", entry, 100),
    ];
  },
};
