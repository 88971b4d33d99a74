import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore, type Store } from 'siphon-sync/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN } from './helpers/admin-fixture.js';
import { waitFor } from './helpers/async.js';
import { spawnCli } from './helpers/cli.js';
import { createTestDatabase, type TestDatabase } from './helpers/databases.js';
import { type PagedApi, pagedResource, startPagedApi } from './helpers/paged-api.js';

/** Resolves with the first match of `pattern` in the log (stderr); fails if the process ends first. */
function lineOf(child: ChildProcess, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString();
      const match = pattern.exec(seen);
      if (match) {
        child.stderr?.off('data', onData);
        resolve(match);
      }
    };
    child.stderr?.on('data', onData);
    child.once('close', () => reject(new Error(`exited before printing ${pattern}:\n${seen}`)));
  });
}

describe('the admin from the command line', () => {
  let db: TestDatabase;
  let api: PagedApi;
  let store: Store;
  let file: string;

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    api = await startPagedApi({ pages: 3 });
    file = join(db.dir, 'siphon.json');
    // A yearly schedule: nothing runs but the catch-up and what the test asks for.
    writeFileSync(
      file,
      JSON.stringify({ database: db.url, sources: { api: { baseUrl: api.url, resources: { items: pagedResource('0 0 1 1 *') } } } }),
    );
    store = await openStore(db.url);
    await store.init();
  });

  afterAll(async () => {
    await store?.close();
    await api?.close();
    await db?.drop();
  });

  const env = { REDIS_URL: undefined, SIPHON_ADMIN_TOKEN: undefined };

  it('`siphon admin` serves the admin over the database and runs a resource now in its own process', async () => {
    const child = spawnCli(['admin', '-c', file, '--port', '0', '--host', '127.0.0.1'], { env });
    try {
      const [, url, token] = await lineOf(child, /admin: (http:\/\/127\.0\.0\.1:\d+)\/\?token=([\w-]+) \(token generated/);
      expect((await fetch(`${url}/api/v1/resources`)).status).toBe(401);
      const started = await fetch(`${url}/api/v1/resources/api.items/run`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(started.status).toBe(202);
      const { runId } = (await started.json()) as { runId: number };
      await waitFor(async () => (await store.runs.get(runId))?.status === 'succeeded', 15_000, 'the run to succeed');
      expect((await store.runs.get(runId))?.trigger).toBe('manual');
      const login = await fetch(`${url}/?token=${token}`, { redirect: 'manual' });
      expect(login.status).toBe(303);
      expect(login.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict/);
    } finally {
      child.kill('SIGTERM');
    }
    const done = await child.result;
    expect(done.code, done.stderr).toBe(0);
  }, 40_000);

  it('`siphon start` serves it beside the schedules, guarded by SIPHON_ADMIN_TOKEN; Run now goes to the scheduler', async () => {
    const child = spawnCli(['start', '-c', file, '--admin-port', '0'], { env: { ...env, SIPHON_ADMIN_TOKEN: ADMIN_TOKEN } });
    try {
      const [, url] = await lineOf(child, /admin: (http:\/\/127\.0\.0\.1:\d+)\/ \(log in with the token in SIPHON_ADMIN_TOKEN\)/);
      await lineOf(child, /scheduler started/);
      const headers = { authorization: `Bearer ${ADMIN_TOKEN}` };
      let body: { status: string; runId: number | null } = { status: 'busy', runId: null };
      // The start-up catch-up run may still hold the resource: ask until this one starts.
      await waitFor(async () => {
        const response = await fetch(`${url}/api/v1/resources/api.items/run`, { method: 'POST', headers });
        body = (await response.json()) as typeof body;
        return body.status === 'started';
      }, 15_000);
      await waitFor(async () => (await store.runs.get(body.runId ?? 0))?.status === 'succeeded', 15_000, 'the run to succeed');
      const overview = await fetch(`${url}/`, { headers });
      expect(await overview.text()).toContain('api.items');
      // The scheduler's runs are counted in its /metrics (the catch-up run and this one), behind the token.
      expect((await fetch(`${url}/metrics`)).status).toBe(401);
      const metrics = await (await fetch(`${url}/metrics`, { headers })).text();
      expect(Number(/^siphon_runs_total\{resource="api\.items",status="succeeded"\} (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(1);
      expect(metrics).toMatch(/^siphon_last_success_timestamp_seconds\{resource="api\.items"\} \d/m);
    } finally {
      child.kill('SIGTERM');
    }
    const done = await child.result;
    expect(done.code, done.stderr).toBe(0);
    expect(`${done.stdout}${done.stderr}`).not.toContain(ADMIN_TOKEN);
  }, 40_000);
});
