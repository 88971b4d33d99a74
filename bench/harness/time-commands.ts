import { spawnSync } from 'node:child_process';

/** What one command cost, as medians over the rounds. */
export interface CommandTimes {
  /** Median wall time. */
  readonly wallMs: number;
  /** Median CPU time (user + system) of the process and everything it waited for. */
  readonly cpuMs: number;
  /** Median over the rounds of this command's wall time minus the first command's in the same round. */
  readonly extraWallMs: number;
  /** The same for CPU time: the figure to judge on a shared machine. */
  readonly extraCpuMs: number;
}

// bash's `time` keyword reports the command's own rusage (Node cannot read a
// child's); bash is in every Linux and macOS CI image, `/usr/bin/time` is not.
// The timing goes to fd 3, the command's stderr stays on fd 2 for errors.
const TIMED = `TIMEFORMAT='%3R %3U %3S'; { time "$@" >/dev/null 2>&4; } 4>&2 2>&3`;

function timeOnce(file: string, args: readonly string[], cwd: string): { wallMs: number; cpuMs: number } {
  const result = spawnSync('bash', ['-c', TIMED, 'bash', file, ...args], {
    cwd,
    env: { ...process.env, LC_NUMERIC: 'C' },
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${[file, ...args].join(' ')} exited ${result.status}: ${result.stderr}`);
  const [real, user, sys] = String(result.output[3]).trim().split(/\s+/).map(Number) as [number, number, number];
  if (![real, user, sys].every(Number.isFinite)) throw new Error(`unexpected timing from bash: ${String(result.output[3])}`);
  return { wallMs: real * 1000, cpuMs: (user + sys) * 1000 };
}

const median = (series: readonly number[]): number => [...series].sort((a, b) => a - b)[Math.floor(series.length / 2)]!;

/**
 * Times each command over `runs` rounds, the commands interleaved round by
 * round so that a busy moment of the machine weighs on all of them alike (a
 * paired A/B, not two separate series); the first command is the baseline
 * the others' extra time is taken against, round by round.
 *
 * CPU time is the figure to judge on a shared machine: wall time there
 * includes waiting for a free core, which grows with the machine's load and
 * falls unequally on a short baseline and a longer command.
 */
export function timeCommands(commands: readonly (readonly string[])[], runs: number, cwd: string): CommandTimes[] {
  const samples = commands.map(() => ({ wall: [] as number[], cpu: [] as number[], extraWall: [] as number[], extraCpu: [] as number[] }));
  for (let round = 0; round < runs; round += 1) {
    const times = commands.map(([file, ...args]) => timeOnce(file!, args, cwd));
    const base = times[0]!;
    for (const [i, time] of times.entries()) {
      const series = samples[i]!;
      series.wall.push(time.wallMs);
      series.cpu.push(time.cpuMs);
      series.extraWall.push(time.wallMs - base.wallMs);
      series.extraCpu.push(time.cpuMs - base.cpuMs);
    }
  }
  return samples.map((series) => ({
    wallMs: median(series.wall),
    cpuMs: median(series.cpu),
    extraWallMs: median(series.extraWall),
    extraCpuMs: median(series.extraCpu),
  }));
}
