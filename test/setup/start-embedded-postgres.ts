import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { StartedServer } from './started-server.js';

export interface EmbeddedPostgres extends StartedServer {
  /** Shuts the server down as `pg_ctl stop -m fast` would (sessions end with 57P01), keeping its data. */
  halt(): Promise<void>;
  /** Starts it again after {@link halt}, on the same port and data. */
  resume(): Promise<void>;
}

const script = fileURLToPath(new URL('./embedded-postgres-server.ts', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Starts a PostgreSQL server from the embedded-postgres package (its binaries
 * come with the package) with a throw-away data directory, on a free loopback
 * port, with a database `test`.
 */
export async function startEmbeddedPostgres(readyMs = 120_000): Promise<EmbeddedPostgres> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const ready = await new Promise<{ url: string; version: string }>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`embedded PostgreSQL did not start within ${readyMs / 1000} s\n${stderr}`));
    }, readyMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n')[0];
      if (line === undefined || !stdout.includes('\n')) return;
      clearTimeout(timer);
      resolve(JSON.parse(line) as { url: string; version: string });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`embedded PostgreSQL failed to start (exit ${code}): ${stderr.trim()}`));
    });
  });
  const { port } = new URL(ready.url);
  // Each command's answer is the next line after the ready line.
  let answered = stdout.split('\n').length - 1;
  const command = (line: 'stop' | 'start', answer: string): Promise<void> =>
    new Promise((resolve, reject) => {
      answered += 1;
      const expected = answered;
      const timer = setTimeout(
        () => reject(new Error(`embedded PostgreSQL: no answer to ${line} within ${readyMs / 1000} s\n${stderr}`)),
        readyMs,
      );
      const check = (): void => {
        const lines = stdout.split('\n');
        if (lines.length - 1 < expected) return;
        clearTimeout(timer);
        child.stdout?.off('data', check);
        if (lines[expected - 1] === answer) resolve();
        else reject(new Error(`embedded PostgreSQL: ${line} answered ${JSON.stringify(lines[expected - 1])}\n${stderr}`));
      };
      child.stdout?.on('data', check);
      child.stdin?.write(`${line}\n`);
    });
  return {
    url: ready.url,
    description: `an embedded PostgreSQL ${ready.version} on 127.0.0.1:${port} (the embedded-postgres package)`,
    stop: () => stop(child),
    halt: () => command('stop', 'stopped'),
    resume: () => command('start', 'started'),
  };
}

/** Closing its stdin asks the server process to stop PostgreSQL and remove the data. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.stdin?.end();
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}
