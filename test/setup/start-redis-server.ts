import { type ChildProcess, spawn } from 'node:child_process';
import { freePort } from './free-port.js';
import { probeRedis } from './probe-redis.js';
import type { StartedServer } from './started-server.js';

/**
 * Starts `redis-server` from PATH on a free loopback port, keeping nothing on
 * disk. Resolves to why not (one line) when there is none or it does not
 * answer within `readyMs`.
 */
export async function startRedisServer(readyMs = 5_000): Promise<StartedServer | string> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<string>((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) =>
      resolve(error.code === 'ENOENT' ? 'redis-server is not on PATH' : `redis-server: ${error.message}`),
    );
    child.once('exit', (code) => resolve(`redis-server exited (${code}) ${stderr.trim().split('\n').pop() ?? ''}`.trim()));
  });
  const url = `redis://127.0.0.1:${port}`;
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
  // A test run that dies before its teardown does not leave the server behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  return {
    url,
    description: `redis-server from PATH on 127.0.0.1:${port}`,
    stop: async () => {
      process.off('exit', killOnExit);
      await stopChild(child);
    },
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
