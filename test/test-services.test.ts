import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POSTGRES_URL } from './helpers/databases.js';
import { REDIS_URL } from './helpers/redis.js';
import { freePort } from './setup/free-port.js';

// The global setup (test/setup/services.ts) finds PostgreSQL and Redis or
// brings them. These run vitest itself in a child process with the services
// pointed at closed ports, as on a machine that has neither.

const root = fileURLToPath(new URL('..', import.meta.url));
const vitest = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));
const postgresPort = Number(new URL(POSTGRES_URL).port || 5432);

interface ChildRun {
  readonly code: number | null;
  readonly output: string;
  readonly ms: number;
}

interface JsonReport {
  numFailedTests: number;
  testResults: { assertionResults: { fullName: string; status: string }[] }[];
}

let dir: string;
let emptyPath: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'siphon-services-'));
  emptyPath = await mkdtemp(join(tmpdir(), 'siphon-empty-path-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(emptyPath, { recursive: true, force: true });
});

/** `vitest run …args` in this project, with `env` over a copy of this process's environment. */
function runVitest(args: readonly string[], env: Record<string, string | undefined>): Promise<ChildRun> {
  const started = Date.now();
  const childEnv: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', ...env };
  // Not a CI run unless asked, and no build: `npm test` has built dist/ already.
  for (const name of [
    'CI',
    'SIPHON_TEST_REQUIRE_SERVICES',
    'npm_lifecycle_event',
    'FORCE_COLOR',
    'FORCE_TTY',
    'VITEST',
    'VITEST_MODE',
    'VITEST_POOL_ID',
    'VITEST_WORKER_ID',
    'TEST',
  ])
    if (!(name in env)) delete childEnv[name];
  return new Promise((resolve) => {
    execFile(process.execPath, [vitest, 'run', ...args], { cwd: root, env: childEnv, timeout: 150_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, output: `${stdout}${stderr}`, ms: Date.now() - started });
    });
  });
}

async function closedUrl(scheme: 'postgres' | 'redis'): Promise<string> {
  const port = await freePort();
  return scheme === 'postgres' ? `postgres://postgres@127.0.0.1:${port}/test` : `redis://127.0.0.1:${port}`;
}

describe('the test services', () => {
  // The title carries the port, so a child run's report says which server its suites reached.
  it(`the suites reach the PostgreSQL the setup chose (127.0.0.1:${postgresPort})`, async () => {
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    try {
      const { rows } = await client.query<{ port: number; db: string }>('SELECT inet_server_port() AS port, current_database() AS db');
      expect(rows[0]).toEqual({ port: postgresPort, db: 'test' });
    } finally {
      await client.end();
    }
  });

  it('without a PostgreSQL, the store suite passes against an embedded one, stopped at the end', async () => {
    const closed = await closedUrl('postgres');
    const report = join(dir, 'store.json');
    const run = await runVitest(
      [
        'test/store.test.ts',
        'test/test-services.test.ts',
        '-t',
        'store on postgres|the suites reach the PostgreSQL',
        '--reporter=json',
        `--outputFile=${report}`,
      ],
      // Redis is not what this is about: the one this run uses, if any.
      { SIPHON_TEST_POSTGRES: closed, SIPHON_TEST_REDIS: REDIS_URL || (await closedUrl('redis')) },
    );
    expect(run.code, run.output).toBe(0);
    const notice =
      /PostgreSQL: nothing answers at (\S+) \(([^)]*)\); the suites use an embedded PostgreSQL (\d+)\S* on 127\.0\.0\.1:(\d+)/.exec(
        run.output,
      );
    expect(notice, run.output).not.toBeNull();
    const [, tried, why, major, port] = notice ?? [];
    expect(tried).toBe(closed);
    expect(why).toMatch(/ECONNREFUSED/);
    expect(Number(major)).toBeGreaterThanOrEqual(14);
    expect(port).not.toBe(new URL(closed).port);

    const results = (JSON.parse(await readFile(report, 'utf8')) as JsonReport).testResults.flatMap((file) => file.assertionResults);
    expect(results.filter((result) => result.status === 'failed')).toEqual([]);
    const passed = results.filter((result) => result.status === 'passed').map((result) => result.fullName);
    expect(passed).toContain(`the test services the suites reach the PostgreSQL the setup chose (127.0.0.1:${port})`);
    expect(passed.filter((name) => name.startsWith('store on postgres')).length).toBeGreaterThan(20);
    // Stopped at the end: nothing answers on its port any more.
    const after = new pg.Client({
      host: '127.0.0.1',
      port: Number(port),
      user: 'postgres',
      database: 'test',
      connectionTimeoutMillis: 1_000,
    });
    await expect(after.connect()).rejects.toThrow(/ECONNREFUSED/);
  }, 150_000);

  describe('without Redis or redis-server', () => {
    it('skips the Redis suites, naming them once with how to provide Redis', async () => {
      const run = await runVitest(['test/redis-budget.test.ts'], {
        SIPHON_TEST_POSTGRES: POSTGRES_URL,
        SIPHON_TEST_REDIS: await closedUrl('redis'),
        PATH: emptyPath,
      });
      expect(run.code, run.output).toBe(0);
      const notices = run.output.match(/Redis: nothing answers at .*/g) ?? [];
      expect(notices).toHaveLength(1);
      expect(notices[0]).toContain('redis-server is not on PATH');
      for (const suite of ['test/redis-budget.test.ts', 'test/runtime-distributed.test.ts']) expect(notices[0]).toContain(suite);
      expect(notices[0]).toContain('set SIPHON_TEST_REDIS=redis://host:port, or put redis-server on PATH');
      expect(run.output).toMatch(/Tests +\S* ?5 skipped/);
    }, 60_000);

    it.each([{ CI: 'true' }, { SIPHON_TEST_REQUIRE_SERVICES: '1' }])(
      'fails at once with %j, naming Redis and the suites',
      async (flag) => {
        const run = await runVitest(['test/redis-budget.test.ts'], {
          SIPHON_TEST_POSTGRES: POSTGRES_URL,
          SIPHON_TEST_REDIS: await closedUrl('redis'),
          PATH: emptyPath,
          ...flag,
        });
        expect(run.code, run.output).toBe(1);
        expect(run.output).toMatch(
          /MissingServiceError: Redis: nothing answers at .* without Redis these suites cannot run: .*test\/redis-budget\.test\.ts/,
        );
        expect(run.output).toContain('failing instead of skipping them');
        expect(run.output).not.toMatch(/✓|passed/);
        // The setup gives up on a service within 2 s; on an idle machine the whole run ends in about
        // 4 s. The bound is loose because starting vitest alone can take 20 s on a busy one.
        expect(run.ms).toBeLessThan(45_000);
      },
      60_000,
    );
  });
});
