// Goal 1: each command loads only what it uses; the engine's entry loads no
// database, queue or spreadsheet module. Measured against bare `node` in the
// same run, commands interleaved, and judged on CPU time (user + system):
// on a shared machine wall time also counts the wait for a free core.
import { fileURLToPath } from 'node:url';
import { type Figure, ms, type Scenario } from '../harness/figure.js';
import { type CommandTimes, timeCommands } from '../harness/time-commands.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

const signed = (value: number): string => `${value < 0 ? '−' : '+'}${ms(Math.abs(value))}`;

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
    const [bare, version, help, entry] = timeCommands(commands, quick ? 7 : 21, root) as [
      CommandTimes,
      CommandTimes,
      CommandTimes,
      CommandTimes,
    ];
    const figure = (name: string, measured: CommandTimes, allowance: number): Figure => ({
      scenario: 'startup',
      figure: name,
      goal: `≤ node + ${allowance} ms CPU`,
      baseline: `node -e 0: ${ms(bare.cpuMs)} CPU (${ms(bare.wallMs)} wall)`,
      measured: `CPU ${signed(measured.extraCpuMs)} (wall ${signed(measured.extraWallMs)})`,
      ratio: measured.cpuMs / bare.cpuMs,
      pass: measured.extraCpuMs <= allowance,
    });
    return [
      figure('siphon --version', version, 150),
      figure('siphon --help', help, 150),
      figure("import { paginate } from 'siphon-sync'", entry, 100),
    ];
  },
};
