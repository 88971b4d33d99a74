import { userInfo } from 'node:os';
import type { TestProject } from 'vitest/node';
import './provided-context.js';
import { MissingServiceError } from './missing-service-error.js';
import { probePostgres } from './probe-postgres.js';
import { probeRedis } from './probe-redis.js';
import { redisSuites } from './redis-suites.js';
import { startEmbeddedPostgres } from './start-embedded-postgres.js';
import { startRedisServer } from './start-redis-server.js';
import type { StartedServer } from './started-server.js';

// How long a configured server may take to answer before it counts as missing.
const PROBE_MS = 2_000;

/**
 * Vitest global setup: finds the PostgreSQL and Redis the suites need, or
 * brings them. PostgreSQL: SIPHON_TEST_POSTGRES, else a local server with a
 * database `test`, else an embedded one. Redis: SIPHON_TEST_REDIS (default
 * 127.0.0.1:6379), else `redis-server` from PATH, else the Redis suites are
 * skipped with one notice; with CI=true or SIPHON_TEST_REQUIRE_SERVICES=1 that
 * skip is a failure instead, so CI never passes by skipping.
 */
export default async function setupServices(project: TestProject): Promise<() => Promise<void>> {
  const started: StartedServer[] = [];
  const teardown = async () => {
    for (const server of started.reverse()) await server.stop();
  };
  const postgresCandidates = process.env.SIPHON_TEST_POSTGRES
    ? [process.env.SIPHON_TEST_POSTGRES]
    : [...new Set(['postgres', userInfo().username])].map((user) => `postgres://${user}@127.0.0.1:5432/test`);
  const redisConfigured = process.env.SIPHON_TEST_REDIS || 'redis://127.0.0.1:6379';
  const [postgresProblems, redisProblem] = await Promise.all([
    Promise.all(postgresCandidates.map((url) => probePostgres(url, PROBE_MS))),
    probeRedis(redisConfigured, PROBE_MS),
  ]);

  try {
    let redisUrl: string | null = redisConfigured;
    if (redisProblem !== undefined) {
      const server = await startRedisServer();
      if (typeof server === 'string') {
        const message = await redisMissing(redact(redisConfigured), redisProblem, server);
        if (servicesRequired())
          throw new MissingServiceError(`${message} (CI=true or SIPHON_TEST_REQUIRE_SERVICES=1: failing instead of skipping them)`);
        notice(`${message} They are skipped.`);
        redisUrl = null;
      } else {
        started.push(server);
        notice(`Redis: nothing answers at ${redact(redisConfigured)} (${redisProblem}); the Redis suites use ${server.description}.`);
        redisUrl = server.url;
      }
    }

    const reachable = postgresCandidates.findIndex((_, index) => postgresProblems[index] === undefined);
    let postgresUrl = postgresCandidates[reachable] ?? '';
    if (reachable === -1) {
      const tried = postgresCandidates.map((url, index) => `${redact(url)} (${postgresProblems[index]})`).join(', ');
      const server = await startEmbeddedPostgres().catch((error: Error) => {
        throw new MissingServiceError(
          `PostgreSQL: nothing answers at ${tried}, and an embedded one did not start: ${error.message}\n` +
            'Start PostgreSQL with a database `test` on 127.0.0.1:5432, or set SIPHON_TEST_POSTGRES=postgres://user@host:port/db.',
        );
      });
      started.push(server);
      notice(`PostgreSQL: nothing answers at ${tried}; the suites use ${server.description}, stopped at the end.`);
      postgresUrl = server.url;
    }

    project.provide('postgresUrl', postgresUrl);
    project.provide('redisUrl', redisUrl);
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}

function servicesRequired(): boolean {
  return process.env.CI === 'true' || process.env.SIPHON_TEST_REQUIRE_SERVICES === '1';
}

async function redisMissing(url: string, problem: string, serverProblem: string): Promise<string> {
  const suites = await redisSuites();
  return (
    `Redis: nothing answers at ${url} (${problem}) and ${serverProblem}; without Redis these suites cannot run: ${suites.join(', ')}. ` +
    'To run them, start Redis on 127.0.0.1:6379, set SIPHON_TEST_REDIS=redis://host:port, or put redis-server on PATH.'
  );
}

function notice(message: string): void {
  process.stderr.write(`\n${message}\n\n`);
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
