import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig, type ResolvedConfig } from 'siphon-sync';
import { EmbeddedRuntime, type RuntimeEvent } from 'siphon-sync/runtime';
import { openStore, type Row, type RunRecord, type Store } from 'siphon-sync/store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startupPlan } from '../src/runtime/index.js';
import { tableRows as rowsOf, sleep, waitFor } from './helpers/async.js';
import { spawnCli } from './helpers/cli.js';
import { type PagedApi, pagedResource, startPagedApi } from './helpers/paged-api.js';
import { sendJson, startServer } from './helpers/test-server.js';

const RESOURCE = 'api.items';
/** Never fires during a test: only catch-up, recovery and retries run. */
const YEARLY = '0 0 1 1 *';

let dir: string;
let database: string;
let store: Store;
let api: PagedApi | undefined;
let runtime: EmbeddedRuntime | undefined;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'siphon-runtime-'));
  database = `sqlite:${join(dir, 'runtime.db')}`;
  store = await openStore(database);
  await store.init();
});
afterEach(async () => {
  await runtime?.close({ timeoutMs: 5_000 });
  runtime = undefined;
  await store.close();
  await api?.close();
  api = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function config(
  server: PagedApi,
  schedule: string,
  retry: Record<string, unknown> = { retries: 3, base: '50ms', max: '200ms' },
): ResolvedConfig {
  return parseConfig({ database, sources: { api: { baseUrl: server.url, retry, resources: { items: pagedResource(schedule) } } } });
}

async function startRuntime(
  resolved: ResolvedConfig,
  extra: { clock?: () => number; random?: () => number } = {},
): Promise<RuntimeEvent[]> {
  const events: RuntimeEvent[] = [];
  runtime = new EmbeddedRuntime({ config: resolved, store, onEvent: (event) => events.push(event), ...extra });
  await runtime.start();
  return events;
}

async function runs(): Promise<RunRecord[]> {
  return (await store.runs.list({ resource: RESOURCE, limit: 1000 })).reverse();
}

async function latest(): Promise<RunRecord | undefined> {
  return (await store.runs.list({ resource: RESOURCE, limit: 1 }))[0];
}

function tableRows(): Promise<Row[]> {
  return rowsOf(store, 'items');
}

async function expectExactTable(server: PagedApi): Promise<void> {
  const rows = await tableRows();
  expect(rows.map((row) => ({ id: Number(row.id), name: row.name }))).toEqual(server.items);
}

describe('embedded runtime', () => {
  it('never overlaps runs of a resource and records the ticks it skips', async () => {
    api = await startPagedApi({ pages: 5, latencyMs: 420 });
    const events = await startRuntime(config(api, '* * * * * *'));
    // Until two runs have ended and two ticks found one going: a fixed sleep held too few on a loaded machine.
    await waitFor(
      async () => {
        const history = await runs();
        const ended = history.filter((run) => run.status !== 'skipped' && run.finishedAt !== null);
        return ended.length >= 2 && history.filter((run) => run.status === 'skipped').length >= 2;
      },
      40_000,
      'two runs and two skipped ticks',
    );
    await runtime?.close();
    const history = await runs();
    const real = history.filter((run) => run.status !== 'skipped');
    expect(real.length).toBeGreaterThanOrEqual(2);
    expect(real[0]?.trigger).toBe('catch-up');
    expect(real[0]?.status).toBe('succeeded');
    expect(real.slice(1).every((run) => run.trigger === 'schedule')).toBe(true);
    for (let i = 1; i < real.length; i++) {
      const previous = real[i - 1];
      expect(previous?.finishedAt).not.toBeNull();
      expect(Date.parse(real[i]?.startedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(previous?.finishedAt ?? ''));
    }
    const skipped = history.filter((run) => run.status === 'skipped');
    expect(skipped.length).toBeGreaterThanOrEqual(2);
    expect(skipped.every((run) => run.trigger === 'schedule' && run.error === 'previous run still in progress')).toBe(true);
    expect(events.filter((event) => event.type === 'skipped')).toHaveLength(skipped.length);
    // close() interrupted the run in progress; its committed pages are its checkpoint.
    const last = real.at(-1);
    if (last?.status !== 'succeeded') {
      expect(last?.status).toBe('interrupted');
      expect(last?.error).toContain('shutting down');
    }
    await expectExactTable(api);
  }, 60_000);

  it('runs once to catch up after downtime, however many ticks were missed', async () => {
    api = await startPagedApi({ pages: 2 });
    const resolved = config(api, '* * * * *');
    // Never ran: one catch-up run.
    await startRuntime(resolved);
    await waitFor(async () => (await latest())?.status === 'succeeded');
    await runtime?.close();
    const first = await latest();
    expect(first?.trigger).toBe('catch-up');

    // Down for ten minutes (ten missed ticks): still one run.
    const events = await startRuntime(resolved, { clock: () => Date.now() + 10 * 60_000 });
    await waitFor(async () => (await runs()).filter((run) => run.trigger === 'catch-up' && run.status === 'succeeded').length === 2);
    await sleep(1_000);
    await runtime?.close();
    const catchUps = (await runs()).filter((run) => run.trigger === 'catch-up');
    expect(catchUps).toHaveLength(2);
    expect(events.filter((event) => event.type === 'catch-up')).toHaveLength(1);
    await expectExactTable(api);

    // Started right after a run: nothing missed, nothing to catch up.
    const last = await latest();
    const quiet = await startRuntime(resolved, { clock: () => Date.parse(last?.startedAt ?? '') + 1 });
    expect(runtime?.busy).toEqual([]);
    expect(quiet.filter((event) => event.type === 'catch-up')).toHaveLength(0);
  });

  it('decides recovery and catch-up from the history', () => {
    const now = new Date('2026-03-01T12:00:30Z');
    const run = (status: RunRecord['status'], startedAt: string): RunRecord =>
      ({ id: 1, resource: RESOURCE, trigger: 'schedule', status, attempt: 1, startedAt }) as unknown as RunRecord;
    const plan = (runs: RunRecord[], schedule = '* * * * *') => startupPlan({ schedule, timezone: 'UTC', runs, now });
    expect(plan([])?.trigger).toBe('catch-up');
    expect(plan([run('running', '2026-03-01T11:00:00Z')])?.trigger).toBe('recovery');
    expect(plan([run('succeeded', '2026-03-01T12:00:10Z')])).toBeUndefined();
    expect(plan([run('succeeded', '2026-03-01T11:50:10Z')])).toMatchObject({
      trigger: 'catch-up',
      missedAt: new Date('2026-03-01T12:00:00Z'),
    });
    // A skipped row is not a run; an interrupted run is finished at start.
    expect(plan([run('skipped', '2026-03-01T12:00:20Z'), run('succeeded', '2026-03-01T11:50:10Z')])?.trigger).toBe('catch-up');
    expect(plan([run('interrupted', '2026-03-01T12:00:10Z')], YEARLY)?.trigger).toBe('catch-up');
    expect(plan([run('failed', '2026-03-01T12:00:10Z')], YEARLY)).toBeUndefined();
    // Time zones: midnight in Tokyo is 15:00 UTC the day before.
    const tokyo = startupPlan({ schedule: '0 0 * * *', timezone: 'Asia/Tokyo', runs: [run('succeeded', '2026-02-28T14:00:00Z')], now });
    expect(tokyo).toMatchObject({ trigger: 'catch-up', missedAt: new Date('2026-02-28T15:00:00Z') });
  });

  it('retries a failed run at run level, resuming from its checkpoint', async () => {
    // Page 3 fails 6 times: the 4 HTTP attempts of the first run, then 2 of the retry.
    api = await startPagedApi({ pages: 6, fail: (page, hit) => (page === 3 && hit <= 6 ? 503 : undefined) });
    const events = await startRuntime(config(api, YEARLY));
    await waitFor(async () => (await latest())?.status === 'succeeded');
    const history = await runs();
    // The failed attempt keeps its row, retries included; the run-level retry continues it as a new row.
    expect(history).toHaveLength(2);
    expect(history[0]).toMatchObject({ status: 'failed', attempt: 1, records: 10, retries: 3 });
    expect(history[1]).toMatchObject({ trigger: 'retry', status: 'succeeded', attempt: 2, records: 30 });
    const retries = events.filter((event) => event.type === 'retry-scheduled');
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ retry: 1, retries: 3 });
    expect(retries[0]?.type === 'retry-scheduled' && retries[0].delayMs).toBeLessThanOrEqual(50);
    expect(events.some((event) => event.type === 'run-start' && event.resumed)).toBe(true);
    // Pages 1–2 were committed by the first attempt and never fetched again.
    expect([api.hits(1), api.hits(2), api.hits(3), api.hits(4)]).toEqual([1, 1, 7, 1]);
    await expectExactTable(api);
  });

  it('fails at once, without run-level retries, on a permanent error', async () => {
    api = await startPagedApi({ pages: 6, fail: (page) => (page === 3 ? 404 : undefined) });
    const events = await startRuntime(config(api, YEARLY));
    await waitFor(async () => (await latest())?.status === 'failed');
    await sleep(500);
    const history = await runs();
    expect(history).toHaveLength(1);
    expect(history[0]?.error).toContain('404');
    expect(api.hits(3)).toBe(1);
    expect(events.some((event) => event.type === 'retry-scheduled')).toBe(false);
    expect(events.find((event) => event.type === 'gave-up')).toMatchObject({ retried: 0 });
  });

  it('skips ticks while a retry is pending', async () => {
    // The first run fails on page 1 (2 HTTP attempts), its retry waits 1.5 s (no jitter), then succeeds.
    api = await startPagedApi({ pages: 2, fail: (page, hit) => (page === 1 && hit <= 2 ? 503 : undefined) });
    const events = await startRuntime(config(api, '* * * * * *', { retries: 1, base: '1500ms', max: '1500ms' }), { random: () => 1 });
    await waitFor(async () => (await runs()).some((run) => run.trigger === 'retry' && run.status === 'succeeded'), 15_000);
    await runtime?.close();
    expect(events.find((event) => event.type === 'retry-scheduled')).toMatchObject({ retry: 1, retries: 1, delayMs: 1500 });
    const skipped = (await runs()).filter((run) => run.status === 'skipped');
    expect(skipped.some((run) => run.error === 'previous run still in progress (its retry is pending)')).toBe(true);
    await expectExactTable(api);
  }, 15_000);

  it('gives up after the configured retries', async () => {
    api = await startPagedApi({ pages: 3, fail: (page) => (page === 2 ? 503 : undefined) });
    const events = await startRuntime(config(api, YEARLY, { retries: 2, base: '10ms', max: '20ms' }));
    await waitFor(() => events.some((event) => event.type === 'gave-up'));
    expect(events.filter((event) => event.type === 'retry-scheduled')).toHaveLength(2);
    expect(events.find((event) => event.type === 'gave-up')).toMatchObject({ retried: 2 });
    // 3 runs × 3 HTTP attempts; page 1 only once.
    expect([api.hits(1), api.hits(2)]).toEqual([1, 9]);
    expect((await latest())?.status).toBe('failed');
  });
});

describe('embedded runtime: parents and children', () => {
  it("a child's start-up run waits for its parent's, and walks the rows it brought", async () => {
    const groups = Array.from({ length: 4 }, (_, i) => ({ id: i + 1 }));
    const server = await startServer(async (_req, res, seen) => {
      if (seen.url.pathname === '/groups') {
        await new Promise((resolve) => setTimeout(resolve, 300));
        return sendJson(res, 200, groups);
      }
      const group = Number(/^\/groups\/(\d+)\/members$/.exec(seen.url.pathname)?.[1]);
      sendJson(res, 200, [{ id: group * 10, group }]);
    });
    try {
      const resolved = parseConfig({
        database,
        sources: {
          clubs: {
            baseUrl: server.url,
            resources: {
              groups: { path: '/groups', paginator: 'single', primaryKey: 'id', schedule: YEARLY, columns: { id: 'bigint' } },
              members: {
                path: '/groups/{groups.id}/members',
                paginator: 'single',
                primaryKey: 'id',
                schedule: YEARLY,
                columns: { id: 'bigint' },
              },
            },
          },
        },
      });
      await startRuntime(resolved);
      const done = async (id: string) => (await store.runs.list({ resource: id, limit: 1 }))[0];
      await waitFor(async () => (await done('clubs.members'))?.status === 'succeeded');
      const parent = await done('clubs.groups');
      const child = await done('clubs.members');
      expect(parent?.trigger).toBe('catch-up');
      expect(Date.parse(child?.startedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(parent?.finishedAt ?? ''));
      expect(child?.records).toBe(4);
    } finally {
      await runtime?.close({ timeoutMs: 5_000 });
      runtime = undefined;
      await server.close();
    }
  });
});

describe('siphon start', () => {
  function writeConfig(server: PagedApi): string {
    const file = join(dir, 'siphon.json');
    writeFileSync(
      file,
      JSON.stringify({ database, sources: { api: { baseUrl: server.url, resources: { items: pagedResource(YEARLY) } } } }),
    );
    return file;
  }

  it('stops at a page boundary on SIGTERM and resumes the run when started again', async () => {
    api = await startPagedApi({ pages: 16, latencyMs: 150 });
    const file = writeConfig(api);
    const first = spawnCli(['start', '-c', file], { env: { REDIS_URL: undefined, SIPHON_LOG_FORMAT: 'pretty' } });
    await waitFor(async () => ((await latest())?.pages ?? 0) >= 3);
    const sent = Date.now();
    first.kill('SIGTERM');
    const stopped = await first.result;
    expect(Date.now() - sent).toBeLessThan(10_000);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stdout).toMatch(/api\.items\s+0 0 1 1 \*\s+UTC\s+\d{4}-01-01T00:00:00\.000Z/);
    expect(stopped.stderr).toContain('api.items: catch-up run (missed the');
    expect(stopped.stderr).toContain('SIGTERM received');
    const interrupted = await latest();
    expect(interrupted?.status).toBe('interrupted');
    expect(interrupted?.checkpoint).not.toBeNull();
    const committed = interrupted?.pages ?? 0;

    const again = spawnCli(['start', '-c', file], { env: { REDIS_URL: undefined, SIPHON_LOG_FORMAT: 'pretty' } });
    await waitFor(async () => (await latest())?.status === 'succeeded');
    again.kill('SIGTERM');
    const done = await again.result;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).toContain(`catch-up run (run ${interrupted?.id} was interrupted`);
    expect(await latest()).toMatchObject({ id: interrupted?.id, trigger: 'catch-up', attempt: 2, records: 80 });
    // Committed pages were not fetched again.
    for (let page = 1; page <= committed; page++) expect(api.hits(page)).toBe(1);
    await expectExactTable(api);
  }, 30_000);

  it('recovers a run left running by a killed process', async () => {
    api = await startPagedApi({ pages: 16, latencyMs: 150 });
    const file = writeConfig(api);
    const first = spawnCli(['start', '-c', file], { env: { REDIS_URL: undefined, SIPHON_LOG_FORMAT: 'pretty' } });
    await waitFor(async () => ((await latest())?.pages ?? 0) >= 3);
    first.kill('SIGKILL');
    expect((await first.result).signal).toBe('SIGKILL');
    const dead = await latest();
    expect(dead?.status).toBe('running');
    const committed = dead?.pages ?? 0;

    const again = spawnCli(['start', '-c', file], { env: { REDIS_URL: undefined, SIPHON_LOG_FORMAT: 'pretty' } });
    await waitFor(async () => (await latest())?.status === 'succeeded');
    again.kill('SIGTERM');
    const done = await again.result;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).toContain(`api.items: recovering run ${dead?.id}`);
    expect(await runs()).toHaveLength(1);
    expect(await latest()).toMatchObject({ id: dead?.id, trigger: 'recovery', attempt: 2, records: 80 });
    for (let page = 1; page <= committed; page++) expect(api.hits(page)).toBe(1);
    await expectExactTable(api);
  }, 30_000);

  it('defers to the distributed mode when REDIS_URL is set', async () => {
    api = await startPagedApi({ pages: 1 });
    const redis = await spawnCli(['start', '-c', writeConfig(api)], { env: { REDIS_URL: 'redis://127.0.0.1:6379' } }).result;
    expect(redis.code).toBe(2);
    // Whichever is there: the distributed mode refusing a SQLite store, or its absence.
    expect(redis.stderr).toMatch(
      /distributed mode \(REDIS_URL\) needs PostgreSQL|REDIS_URL is set but the distributed mode is not available/,
    );
    expect(await runs()).toEqual([]);
  });

  it('refuses a config without schedules', async () => {
    api = await startPagedApi({ pages: 1 });
    const bare = join(dir, 'bare.json');
    writeFileSync(
      bare,
      JSON.stringify({
        database,
        sources: { api: { baseUrl: api.url, resources: { items: { ...pagedResource(YEARLY), schedule: undefined } } } },
      }),
    );
    const none = await spawnCli(['start', '-c', bare], { env: { REDIS_URL: undefined } }).result;
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no resource has a `schedule`');
  });
});
