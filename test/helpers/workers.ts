import type { ChildProcess } from 'node:child_process';
import { waitFor } from './async.js';
import { type CliResult, spawnCli } from './cli.js';
import { REDIS_URL } from './redis.js';

export { waitFor };

export interface WorkerProcess {
  readonly child: ChildProcess & { result: Promise<CliResult> };
  readonly pid: number;
  /** stdout and stderr so far. */
  output(): string;
}

/**
 * Test timings: a killed worker's job is back in the queue within
 * lockDuration + stalledInterval (7 s) instead of a minute.
 */
export function workerEnv(prefix: string): Record<string, string> {
  return {
    REDIS_URL,
    SIPHON_QUEUE_PREFIX: prefix,
    SIPHON_LOCK_DURATION_MS: '5000',
    SIPHON_STALLED_INTERVAL_MS: '2000',
    SIPHON_LEASE_MS: '5000',
    SIPHON_KEEP_JOBS: '100000',
  };
}

/** Starts `siphon worker` processes (`env` on top of {@link workerEnv}) and resolves once each has said it started. */
export async function startWorkers(
  count: number,
  file: string,
  prefix: string,
  concurrency = 4,
  env: Record<string, string> = {},
): Promise<WorkerProcess[]> {
  const workers = Array.from({ length: count }, () => {
    const child = spawnCli(['worker', '--config', file, '--concurrency', String(concurrency)], { env: { ...workerEnv(prefix), ...env } });
    let text = '';
    child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
    return { child, pid: child.pid as number, output: () => text };
  });
  await Promise.all(
    workers.map((worker) =>
      waitFor(async () => {
        if (worker.child.exitCode !== null) throw new Error(`worker ${worker.pid} exited: ${worker.output()}`);
        return worker.output().includes('worker started');
      }, 30_000),
    ),
  );
  return workers;
}

/** SIGTERM to each worker still running (ours only, by pid); SIGKILL after `graceMs`. */
export async function stopWorkers(workers: readonly WorkerProcess[], graceMs = 15_000): Promise<CliResult[]> {
  for (const worker of workers) if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGTERM');
  const timer = setTimeout(() => {
    for (const worker of workers) if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
  }, graceMs);
  try {
    return await Promise.all(workers.map((worker) => worker.child.result));
  } finally {
    clearTimeout(timer);
  }
}
