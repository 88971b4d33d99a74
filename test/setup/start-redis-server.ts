import { type ChildProcess, spawn } from 'node:child_process';
import { freePort } from './free-port.js';
import { probeRedis } from './probe-redis.js';
import type { StartedServer } from './started-server.js';

export interface RedisServer extends StartedServer {
  /**
   * Stops the server (SIGTERM: with an append-only file it is written out
   * first), waits `downMs`, and starts it again on the same port and files.
   */
  restart(downMs: number): Promise<void>;
}

export interface RedisServerOptions {
  /** How long the server may take to answer. @default 5_000 */
  readonly readyMs?: number | undefined;
  /**
   * Keep the data in an append-only file in this directory, as a BullMQ
   * deployment should (jobs survive a restart); without it nothing is kept
   * on disk.
   */
  readonly appendOnlyDir?: string | undefined;
}

/**
 * Starts `redis-server` from PATH on a free loopback port. Resolves to why
 * not (one line) when there is none or it does not answer in time.
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer | string> {
  const readyMs = options.readyMs ?? 5_000;
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', ''];
  if (options.appendOnlyDir) args.push('--dir', options.appendOnlyDir, '--appendonly', 'yes', '--appendfsync', 'everysec');
  else args.push('--appendonly', 'no');
  let child: ChildProcess | undefined;
  const launch = async (): Promise<string | undefined> => {
    const started = await launchRedis(args, url, readyMs);
    if (typeof started === 'string') return started;
    child = started;
    return undefined;
  };
  const problem = await launch();
  if (problem !== undefined) return problem;
  // A test run that dies before its teardown does not leave the server behind.
  const killOnExit = () => child?.kill('SIGKILL');
  process.once('exit', killOnExit);
  return {
    url,
    description: `redis-server from PATH on 127.0.0.1:${port}`,
    stop: async () => {
      process.off('exit', killOnExit);
      if (child) await stopChild(child);
    },
    restart: async (downMs) => {
      if (child) await stopChild(child);
      await new Promise((resolve) => setTimeout(resolve, downMs));
      const again = await launch();
      if (again !== undefined) throw new Error(`redis-server did not start again: ${again}`);
    },
  };
}

async function launchRedis(args: readonly string[], url: string, readyMs: number): Promise<ChildProcess | string> {
  const child = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<string>((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) =>
      resolve(error.code === 'ENOENT' ? 'redis-server is not on PATH' : `redis-server: ${error.message}`),
    );
    child.once('exit', (code) => resolve(`redis-server exited (${code}) ${stderr.trim().split('\n').pop() ?? ''}`.trim()));
  });
  const deadline = Date.now() + readyMs;
  let failure: string | undefined = 'not started';
  while (failure !== undefined && Date.now() < deadline) {
    const outcome = await Promise.race([exited, probeRedis(url, 500).then((problem) => ({ problem }))]);
    if (typeof outcome === 'string') return outcome;
    failure = outcome.problem;
    if (failure !== undefined) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (failure !== undefined) {
    await stopChild(child);
    return `redis-server did not answer on ${url} within ${readyMs} ms (${failure})`;
  }
  return child;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
