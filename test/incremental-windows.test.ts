import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from 'siphon-sync';
import { type DemoApiServer, demoDataset, startDemoApi } from 'siphon-sync/demo-api';
import { openStore, type Store } from 'siphon-sync/store';
import { syncResources } from 'siphon-sync/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableRows, waitFor } from './helpers/async.js';
import { runCli, spawnCli } from './helpers/cli.js';
import { createTestDatabase, dialects, type TestDatabase } from './helpers/databases.js';
import { sendJson, startServer } from './helpers/test-server.js';

// The demo API's /changes feed: the cursor events filtered by occurred_at
// (updated_since inclusive, updated_until exclusive), in pages of per_page.
const seed = 5;
const size = { cursorEvents: 300 };
const events = demoDataset({ seed, size }).cursorEvents;
const DAY = 86_400_000;
const HOUR = 3_600_000;
const first = Date.parse(events[0]?.occurred_at ?? '');
const last = Date.parse(events.at(-1)?.occurred_at ?? '');
const initial = new Date(Math.floor(first / DAY) * DAY).toISOString();
const end = new Date(last + 1000).toISOString();
/** The windows a 1-day window walks from `start` to `end`. */
function windowsFrom(start: number): { start: string; end: string }[] {
  const out: { start: string; end: string }[] = [];
  for (let at = start; at < Date.parse(end); at += DAY) {
    out.push({ start: new Date(at).toISOString(), end: new Date(Math.min(at + DAY, Date.parse(end))).toISOString() });
  }
  return out;
}
const idsFrom = (since: number): number[] => events.filter((e) => Date.parse(e.occurred_at) >= since).map((e) => e.id);
const sortedIds = (rows: readonly Record<string, unknown>[]): number[] => rows.map((row) => Number(row.id)).sort((a, b) => a - b);

let api: DemoApiServer;
beforeAll(async () => {
  api = await startDemoApi({ seed, size, latencyMs: 20 });
});
afterAll(async () => {
  await api.close();
});

function resourceConfig(table: string, incremental: Record<string, unknown>, params: Record<string, string | number> = {}) {
  return {
    path: '/changes',
    table,
    params: { per_page: 20, ...params },
    paginator: { type: 'pageNumber' as const },
    concurrency: 1,
    primaryKey: 'id',
    batchSize: 20,
    columns: { id: 'bigint', amount: 'decimal(12,2)', occurred_at: 'timestamp' },
    incremental: { cursorField: 'occurred_at', ...incremental },
  };
}

async function timeline(store: Store, runId: number) {
  const list = await store.runs.events.list(runId);
  const data = (type: string) => list.filter((event) => event.type === type).map((event) => event.data as Record<string, unknown>);
  return { windows: data('window'), ranges: data('range'), urls: data('page').map((page) => new URL(String(page.url))) };
}

describe.each(dialects)('incremental windows over the demo API (%s)', (dialect) => {
  let db: TestDatabase;
  let store: Store;
  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    store = await openStore(db.url);
    await store.init();
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('asks one window at a time, commits each, resumes at the window it was in, then asks only from the mark minus lookback', async () => {
    const config = parseConfig({
      database: db.url,
      sources: {
        demo: {
          baseUrl: api.url,
          resources: {
            windowed: resourceConfig('windowed', {
              param: 'updated_since',
              endParam: 'updated_until',
              initial,
              end,
              window: '1d',
              lookback: '1h',
              order: 'asc',
            }),
          },
        },
      },
    });
    const expected = windowsFrom(Date.parse(initial));
    expect(expected.length).toBeGreaterThan(3);

    // Interrupted as the third window starts: the two before it are committed with the checkpoint.
    const abort = new AbortController();
    let seen = 0;
    const [stopped] = await syncResources({
      config,
      store,
      signal: abort.signal,
      onEvent: (event) => {
        if (event.type === 'window' && ++seen === 3) abort.abort();
      },
    });
    expect(stopped?.run.status).toBe('interrupted');
    expect(stopped?.run.checkpoint).toMatchObject({ windowStart: expected[2]?.start, until: end, since: initial });
    const before = await tableRows(store, 'windowed');
    expect(sortedIds(before)).toEqual(
      events.filter((e) => Date.parse(e.occurred_at) < Date.parse(expected[2]?.start ?? '')).map((e) => e.id),
    );

    const [resumed] = await syncResources({ config, store });
    expect(resumed?.error).toBeUndefined();
    expect(resumed?.run.id).toBe(stopped?.run.id);
    expect(resumed?.run.status).toBe('succeeded');
    const run = await timeline(store, resumed?.run.id ?? 0);
    expect(run.ranges.at(-1)).toEqual({ from: initial, to: end });
    // The first attempt's two windows, its third (started, interrupted) again, then the rest.
    expect(run.windows).toEqual([expected[0], expected[1], expected[2], ...expected.slice(2)]);
    for (const url of run.urls) {
      const window = expected.find((w) => w.start === url.searchParams.get('updated_since'));
      expect(window?.end, url.href).toBe(url.searchParams.get('updated_until'));
    }
    expect(sortedIds(await tableRows(store, 'windowed'))).toEqual(events.map((e) => e.id));
    const mark = events.at(-1)?.occurred_at;
    expect((await store.runs.state('demo.windowed'))?.highWaterMark).toBe(mark);

    // The next run re-reads the last hour before the mark, in one window up to the end; merge keeps one row each.
    const [second] = await syncResources({ config, store });
    expect(second?.error).toBeUndefined();
    const from = new Date(Date.parse(mark ?? '') - HOUR).toISOString();
    const again = await timeline(store, second?.run.id ?? 0);
    expect(again.ranges).toEqual([{ from, to: end }]);
    expect(again.windows).toEqual([{ start: from, end }]);
    expect(again.urls.map((url) => url.searchParams.get('updated_since'))).toEqual(again.urls.map(() => from));
    expect(second?.run.records).toBe(idsFrom(Date.parse(from)).length);
    expect(second?.run.records).toBeGreaterThan(0);
    expect(sortedIds(await tableRows(store, 'windowed'))).toEqual(events.map((e) => e.id));
    expect((await store.runs.state('demo.windowed'))?.highWaterMark).toBe(mark);
  }, 30_000);

  it('desc: stops reading once records are older than where the run starts', async () => {
    // `after` is not a filter /changes knows: the API sends everything, newest first.
    const since = events[events.length - 45]?.occurred_at ?? '';
    const config = parseConfig({
      database: db.url,
      sources: {
        demo: {
          baseUrl: api.url,
          resources: {
            newest: resourceConfig('newest', { param: 'after', initial: since, order: 'desc' }, { order: 'desc' }),
          },
        },
      },
    });
    const [result] = await syncResources({ config, store });
    expect(result?.error).toBeUndefined();
    const run = await timeline(store, result?.run.id ?? 0);
    // 45 records are at or after `since`: the third page of 20 holds the first older one.
    expect(run.urls.map((url) => url.searchParams.get('page'))).toEqual(['1', '2', '3']);
    expect(sortedIds(await tableRows(store, 'newest'))).toEqual(idsFrom(Date.parse(since)));
    expect((await store.runs.state('demo.newest'))?.highWaterMark).toBe(events.at(-1)?.occurred_at);
  }, 30_000);

  it('desc: an announced total does not fail a walk that stopped early on purpose', async () => {
    const newestFirst = [...events].reverse();
    const server = await startServer((_req, res, seen) => {
      const page = Number(seen.url.searchParams.get('page') ?? 1);
      sendJson(res, 200, { items: newestFirst.slice((page - 1) * 20, page * 20), total: newestFirst.length });
    });
    try {
      const since = events[events.length - 30]?.occurred_at ?? '';
      const config = parseConfig({
        database: db.url,
        sources: {
          api: {
            baseUrl: server.url,
            resources: {
              totals: {
                ...resourceConfig('totals', { param: 'after', initial: since, order: 'desc' }),
                paginator: { type: 'pageNumber', totalPath: 'total' },
                records: 'items',
              },
            },
          },
        },
      });
      const [result] = await syncResources({ config, store });
      expect(result?.error).toBeUndefined();
      expect(server.requests).toHaveLength(2);
      expect(sortedIds(await tableRows(store, 'totals'))).toEqual(idsFrom(Date.parse(since)));
    } finally {
      await server.close();
    }
  }, 30_000);

  it('siphon run killed with SIGKILL mid-window resumes in that window', async () => {
    const file = join(db.dir, 'windows.yaml');
    writeFileSync(
      file,
      `
database: ${db.url}
sources:
  demo:
    baseUrl: ${api.url}
    resources:
      killed:
        path: /changes
        params: { per_page: 5 }
        paginator: pageNumber
        concurrency: 1
        primaryKey: id
        batchSize: 5
        columns: { id: bigint, amount: "decimal(12,2)", occurred_at: timestamp }
        incremental:
          cursorField: occurred_at
          param: updated_since
          endParam: updated_until
          initial: "${initial}"
          end: "${end}"
          window: 1d
          lookback: 1h
`,
    );
    const child = spawnCli(['run', '--config', file]);
    const windows = windowsFrom(Date.parse(initial));
    let windowStart: unknown;
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`siphon run ended before it was killed: ${(await child.result).stderr}`);
      const [run] = await store.runs.list({ resource: 'demo.killed', limit: 1 });
      const checkpoint = run?.checkpoint as { windowStart?: string; page?: unknown } | null | undefined;
      windowStart = checkpoint?.windowStart;
      // Inside a later window, past its first page.
      return run?.status === 'running' && windowStart !== windows[0]?.start && checkpoint?.page !== null && checkpoint?.page !== undefined;
    });
    child.kill('SIGKILL');
    expect((await child.result).signal).toBe('SIGKILL');
    const [dead] = await store.runs.list({ resource: 'demo.killed', limit: 1 });
    expect(dead?.status).toBe('running');
    const at = (dead?.checkpoint as { windowStart?: string } | null | undefined)?.windowStart;
    expect(windows.map((w) => w.start)).toContain(at);

    const again = await runCli(['run', '--config', file]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr + again.stdout).toContain(`asking from ${initial} to ${end}`);
    const [resumed] = await store.runs.list({ resource: 'demo.killed', limit: 1 });
    expect(resumed?.id).toBe(dead?.id);
    expect(resumed?.status).toBe('succeeded');
    expect(resumed?.attempt).toBe(2);
    const list = await store.runs.events.list(resumed?.id ?? 0);
    const startIndex = list.findLastIndex((event) => event.type === 'run-start');
    const secondAttempt = list.slice(startIndex);
    const firstWindow = secondAttempt.find((event) => event.type === 'window')?.data as { start: string };
    expect(firstWindow.start).toBe(at);
    // Its first request carried on from the committed page, not the window's first.
    const firstPage = secondAttempt.find((event) => event.type === 'page')?.data as { url: string };
    expect(new URL(firstPage.url).searchParams.get('page')).not.toBeNull();
    expect(sortedIds(await tableRows(store, 'killed'))).toEqual(events.map((e) => e.id));

    const shown = await runCli(['runs', 'show', String(resumed?.id), '--config', file]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(`range`);
    expect(shown.stdout).toContain(`${initial} → ${end}`);
  }, 60_000);
});

describe('incremental window options are checked with their paths', () => {
  const R = 'sources.demo.resources';
  function problems(resources: Record<string, unknown>): { path: string; message: string }[] {
    try {
      parseConfig({ database: 'sqlite::memory:', sources: { demo: { baseUrl: 'http://127.0.0.1:1', resources } } });
    } catch (error) {
      return (error as { issues: { path: string; message: string }[] }).issues;
    }
    throw new Error('the config was accepted');
  }

  it('a window needs a start, lengths are durations, an end is an instant, order is one of three', () => {
    const issues = problems({
      items: resourceConfig('items', { param: 'since', window: '1 fortnight', end: 'soon', order: 'newest' }),
      more: resourceConfig('more', { param: 'since', window: '1d' }),
      stamps: resourceConfig('stamps', { param: 'since', initial: 42, lookback: '1h' }),
    });
    const at = (path: string) => issues.find((issue) => issue.path === path)?.message;
    expect(at(`${R}.items.incremental.window`)).toContain('invalid duration "1 fortnight"');
    expect(at(`${R}.items.incremental.end`)).toContain('expected an ISO-8601 instant');
    expect(at(`${R}.items.incremental.order`)).toContain('one of asc, desc, unordered');
    expect(at(`${R}.more.incremental.initial`)).toContain('window needs initial');
    expect(at(`${R}.stamps.incremental.initial`)).toContain('expected an ISO-8601 instant');
  });

  it('a child resource cannot ask in windows', () => {
    const issues = problems({
      items: resourceConfig('items', { param: 'since' }),
      children: { ...resourceConfig('children', { param: 'since', initial, window: '1d' }), path: '/items/{items.id}/children' },
    });
    expect(issues.find((issue) => issue.path === `${R}.children.incremental.window`)?.message).toContain('a child resource');
  });

  it('the options the run uses pass as written', () => {
    const config = parseConfig({
      database: 'sqlite::memory:',
      sources: {
        demo: {
          baseUrl: 'http://127.0.0.1:1',
          resources: {
            items: resourceConfig('items', { param: 'since', endParam: 'until', initial, end, window: '6h', lookback: 0, order: 'desc' }),
          },
        },
      },
    });
    expect(config.resources[0]?.incremental).toMatchObject({ window: '6h', lookback: 0, order: 'desc', endParam: 'until' });
  });
});
