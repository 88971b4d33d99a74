import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
// Under `npm test` the global setup has just built dist/, so the command runs as users run it,
// and each process is spared compiling the sources (about 1.2 s of CPU, hundreds of times a
// suite). A plain `vitest run` builds nothing: there the CLI runs from the sources through tsx,
// resolved here, not by name, since a test may run it in a directory where `tsx` does not resolve.
const command =
  process.env.npm_lifecycle_event === 'test'
    ? [fileURLToPath(new URL('../../bin/siphon.js', import.meta.url))]
    : [
        '--import',
        pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href,
        fileURLToPath(new URL('./siphon-cli.ts', import.meta.url)),
      ];

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

// Children still running when the test process exits (a failed assertion
// before a test's own kill) are killed with it rather than left behind.
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** Starts `siphon …args` as a child process. */
export function spawnCli(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string | undefined> } = {},
): ChildProcess & { result: Promise<CliResult> } {
  const child = spawn(process.execPath, [...command, ...args], {
    cwd: options.cwd ?? root,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  live.add(child);
  const result = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      live.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return Object.assign(child, { result });
}

/**
 * Runs `siphon …args` to completion; a process still running after
 * `timeoutMs` is killed, so a hung command fails its test instead of
 * outliving the test run.
 */
export async function runCli(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string | undefined>; timeoutMs?: number } = {},
): Promise<CliResult> {
  const child = spawnCli(args, options);
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 55_000);
  try {
    return await child.result;
  } finally {
    clearTimeout(timer);
  }
}
