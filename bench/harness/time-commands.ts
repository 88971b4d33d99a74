import { spawnSync } from 'node:child_process';

/**
 * Median wall time of each command over `runs` rounds, the commands
 * interleaved round by round so that a busy moment of the machine weighs on
 * all of them alike (a paired A/B, not two separate series).
 */
export function medianWallTimes(commands: readonly (readonly string[])[], runs: number, cwd: string): number[] {
  const samples: number[][] = commands.map(() => []);
  for (let round = 0; round < runs; round += 1) {
    for (const [i, [file, ...args]] of commands.entries()) {
      const started = performance.now();
      const result = spawnSync(file!, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
      const elapsed = performance.now() - started;
      if (result.status !== 0) throw new Error(`${[file, ...args].join(' ')} exited ${result.status}: ${result.stderr}`);
      samples[i]!.push(elapsed);
    }
  }
  return samples.map((series) => {
    const sorted = [...series].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)]!;
  });
}
