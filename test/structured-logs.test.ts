import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCliLog } from '../src/cli/cli-log.js';
import { addLogSecrets } from '../src/cli/log-settings.js';
import { createProgressReporter, formatProgressBar, type ProgressView } from '../src/cli/progress-reporter.js';
import { createRuntimeReporter } from '../src/cli/run-scheduler.js';
import type { RunRecord } from '../src/store/types.js';
import { runCli } from './helpers/cli.js';
import { createTestDatabase, type TestDatabase } from './helpers/databases.js';
import { type PagedApi, pagedResource, startPagedApi } from './helpers/paged-api.js';
import { sendJson, startServer, type TestServer } from './helpers/test-server.js';

interface JsonLine {
  readonly level: string;
  readonly time: string;
  readonly msg: string;
  readonly resource?: string;
  readonly runId?: number;
  readonly attempt?: number;
  readonly event?: string;
  readonly [field: string]: unknown;
}

/** Every line of a JSON log, parsed: one that is not JSON fails the test. */
function jsonLines(text: string): JsonLine[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as JsonLine;
      } catch {
        throw new Error(`not a JSON line: ${line}`);
      }
    });
}

/** A log collected in memory. */
function memoryLog(format: 'json' | 'pretty', level: 'debug' | 'info' = 'info') {
  let text = '';
  const log = createCliLog({ format, level, out: { write: (chunk: string) => (text += chunk) } });
  return { log, text: () => text };
}

describe('siphon run logs on stderr', () => {
  let db: TestDatabase;
  let api: PagedApi;
  let file: string;
  // No format chosen: a test's stderr is a pipe, so JSON unless a variable says otherwise.
  const env = { SIPHON_LOG_FORMAT: undefined, SIPHON_LOG_LEVEL: undefined };

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    api = await startPagedApi({ pages: 3 });
    file = join(db.dir, 'siphon.json');
    writeFileSync(
      file,
      JSON.stringify({ database: db.url, sources: { api: { baseUrl: api.url, resources: { items: pagedResource('0 0 1 1 *') } } } }),
    );
  });

  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  it('as JSON lines when stderr is not a terminal, with stdout left empty', async () => {
    const result = await runCli(['run', '-c', file], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('');
    const lines = jsonLines(result.stderr);
    for (const line of lines) {
      expect(line.level).toMatch(/^(info|warn|error)$/);
      expect(new Date(line.time).toISOString()).toBe(line.time);
      expect(typeof line.msg).toBe('string');
      expect(line.resource).toBe('api.items');
      expect(typeof line.runId).toBe('number');
    }
    const start = lines.find((line) => line.event === 'run-start');
    expect(start?.msg).toBe(`api.items: run ${start?.runId} started (first run)`);
    expect(start?.attempt).toBe(1);
    const end = lines.find((line) => line.event === 'run-end');
    expect(end).toMatchObject({ level: 'info', status: 'succeeded', records: 15, runId: start?.runId });
    expect(end?.msg).toBe(`api.items: run ${start?.runId} succeeded: 15 records in 4 pages`);
  });

  it('as the readable lines with --log-format pretty; -q keeps warnings only; --verbose adds each page', async () => {
    const pretty = await runCli(['run', '-c', file, '--log-format', 'pretty'], { env });
    expect(pretty.code, pretty.stderr).toBe(0);
    expect(pretty.stderr).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z api\.items: run \d+ started\n/);
    expect(pretty.stderr).toMatch(/api\.items: run \d+ succeeded: 15 records in 4 pages\n$/);

    const quiet = await runCli(['-q', 'run', '-c', file], { env });
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).toBe('');

    const verbose = await runCli(['run', '-c', file, '--verbose'], { env: { ...env, SIPHON_LOG_FORMAT: 'json' } });
    const pages = jsonLines(verbose.stderr).filter((line) => line.event === 'page');
    expect(pages.map((line) => line.level)).toEqual(['debug', 'debug', 'debug', 'debug']);
    expect(pages[0]?.msg).toMatch(/^api\.items: page 1: 5 records, HTTP 200, http:\/\/127\.0\.0\.1:\d+\/items\?/);
  }, 60_000);
});

describe('secrets in the log', () => {
  let db: TestDatabase;
  let server: TestServer;
  const SECRET = 'log-secret-5d1f09b2';

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    // The first page names the key back in its records' URL field and a next link; the second is refused, echoing it all.
    server = await startServer((_req, res, seen) => {
      const page = Number(seen.url.searchParams.get('page') ?? '1');
      if (page === 1) sendJson(res, 200, { data: [{ id: 1, name: 'one' }] });
      else sendJson(res, 403, { error: 'denied', echoed: { query: seen.url.search, key: seen.headers['x-api-key'] } });
    });
  });

  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('a secret from ${env:…} that the server echoes is in no JSON line, at any level', async () => {
    const file = join(db.dir, 'siphon.json');
    const resource = { ...pagedResource('0 0 1 1 *', 1), params: { per_page: 1, key: '${env:LOG_SECRET}' } };
    writeFileSync(
      file,
      JSON.stringify({
        database: db.url,
        sources: {
          api: {
            baseUrl: server.url,
            retry: { retries: 0 },
            auth: { type: 'apiKey', in: 'header', name: 'X-Api-Key', value: '${env:LOG_SECRET}' },
            resources: { items: resource },
          },
        },
      }),
    );
    const result = await runCli(['run', '-c', file, '--log-level', 'trace'], {
      env: { LOG_SECRET: SECRET, SIPHON_LOG_FORMAT: 'json', SIPHON_LOG_LEVEL: undefined },
    });
    expect(result.code).toBe(1);
    const lines = jsonLines(result.stderr);
    expect(lines.some((line) => line.event === 'page')).toBe(true);
    const failure = lines.find((line) => line.event === 'run-end');
    expect(failure?.level).toBe('error');
    expect(failure?.msg).toContain('HTTP 403');
    expect(failure?.msg).toContain('denied');
    // The echo is there, masked: the test would see the secret if either layer let it through.
    expect(failure?.msg).toContain('***');
    expect(`${result.stdout}${result.stderr}`).not.toContain(SECRET);
    expect(`${result.stdout}${result.stderr}`).not.toContain(Buffer.from(SECRET).toString('base64'));
  });

  it('the logger masks a registered secret in the message and every field, even one the source forgot', () => {
    addLogSecrets(['forgotten-secret-77']);
    for (const format of ['json', 'pretty'] as const) {
      const { log, text } = memoryLog(format);
      log.child({ worker: 'host:1' }).info('api.items: GET http://127.0.0.1/x?k=forgotten-secret-77', {
        resource: 'api.items',
        url: 'http://127.0.0.1/x?k=forgotten-secret-77',
        nested: { header: 'Bearer forgotten-secret-77', list: [encodeURIComponent('forgotten-secret-77')] },
        error: new Error('echoed forgotten-secret-77'),
      });
      expect(text()).toContain('***');
      expect(text()).not.toContain('forgotten-secret-77');
      if (format === 'json') {
        const [line] = jsonLines(text());
        expect(line).toMatchObject({ level: 'info', worker: 'host:1', resource: 'api.items', error: 'echoed ***' });
      }
    }
  });
});

const run = { id: 7, status: 'succeeded', records: 30, pages: 3 } as RunRecord;

describe("the runtimes' log", () => {
  it('a scheduler event is a JSON line with its fields, and a run under it carries the worker id it was bound to', () => {
    const { log, text } = memoryLog('json');
    const report = createRuntimeReporter(log.child({ worker: 'host-a:4242' }));
    report({ type: 'catch-up', resource: 'api.items', missedAt: new Date('2026-01-01T00:00:00.000Z'), lastRun: undefined });
    report({ type: 'run-start', resource: 'api.items', runId: 9, attempt: 2, resumed: true, first: false });
    report({
      type: 'retry-scheduled',
      resource: 'api.items',
      run: { ...run, id: 9, status: 'failed' },
      retry: 1,
      retries: 5,
      delayMs: 1500,
      error: new Error('HTTP 503 from http://127.0.0.1/items'),
    });
    const [catchUp, start, retry] = jsonLines(text());
    expect(catchUp).toMatchObject({
      level: 'info',
      worker: 'host-a:4242',
      event: 'catch-up',
      resource: 'api.items',
      missedAt: '2026-01-01T00:00:00.000Z',
      msg: 'api.items: catch-up run (missed the 2026-01-01T00:00:00.000Z tick; last run never)',
    });
    expect(start).toMatchObject({
      worker: 'host-a:4242',
      event: 'run-start',
      runId: 9,
      attempt: 2,
      msg: 'api.items: run 9 resumed (attempt 2)',
    });
    expect(retry).toMatchObject({
      level: 'warn',
      runId: 9,
      retry: 1,
      retries: 5,
      delayMs: 1500,
      error: 'HTTP 503 from http://127.0.0.1/items',
    });
  });
});

describe('progress without a terminal', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('logs the start and end of a run, and a progress line per running resource every interval, not per batch', () => {
    vi.useFakeTimers();
    const { log, text } = memoryLog('json');
    const report = createProgressReporter({ log });
    report({ type: 'run-start', resource: 'api.a', runId: 7, attempt: 1, resumed: false, first: true });
    report({ type: 'run-start', resource: 'api.b', runId: 8, attempt: 2, resumed: true, first: false });
    for (let index = 0; index < 3; index += 1) {
      report({ type: 'page', resource: 'api.a', runId: 7, index, records: 10, attempts: 1, waitedMs: 0, status: 200, url: 'http://x/a' });
      report({
        type: 'progress',
        resource: 'api.a',
        runId: 7,
        committed: (index + 1) * 10,
        total: 100,
        pages: index + 1,
        records: (index + 1) * 10,
        retries: 0,
        waitedMs: 0,
      });
    }
    expect(jsonLines(text()).map((line) => line.event)).toEqual(['run-start', 'run-start']);
    vi.advanceTimersByTime(9_999);
    expect(jsonLines(text())).toHaveLength(2);
    vi.advanceTimersByTime(1);
    const progress = jsonLines(text()).filter((line) => line.event === 'progress');
    expect(progress.map((line) => [line.resource, line.runId, line.attempt])).toEqual([
      ['api.a', 7, 1],
      ['api.b', 8, 2],
    ]);
    expect(progress[0]).toMatchObject({ records: 30, total: 100, pages: 3, rate: 3 });
    expect(progress[0]?.msg).toBe('api.a: 3 pages, 30 of 100 records (3/s), 0 retries, waited 0.0 s');
    report({ type: 'run-end', resource: 'api.a', run, error: undefined });
    report({ type: 'run-end', resource: 'api.b', run: { ...run, id: 8 }, error: undefined });
    vi.advanceTimersByTime(60_000);
    expect(jsonLines(text()).map((line) => line.event)).toEqual(['run-start', 'run-start', 'progress', 'progress', 'run-end', 'run-end']);
    report.stop();
  });

  it('takes a shorter interval, and a fan-out child says how far its parent rows are', () => {
    vi.useFakeTimers();
    const { log, text } = memoryLog('pretty');
    const report = createProgressReporter({ log, intervalMs: 500 });
    report({ type: 'run-start', resource: 'api.details', runId: 3, attempt: 1, resumed: false, first: false });
    report({
      type: 'progress',
      resource: 'api.details',
      runId: 3,
      committed: 12,
      total: undefined,
      parents: { done: 3, total: 10 },
      pages: 3,
      records: 12,
      retries: 1,
      waitedMs: 1500,
    });
    vi.advanceTimersByTime(500);
    expect(text()).toMatch(/api\.details: 3 pages, 12 records \(\d+\/s\), parent 3 of 10, 1 retries, waited 1\.5 s\n$/);
    report.stop();
  });
});

describe('progress bars on a terminal', () => {
  const view: ProgressView = {
    resource: 'coingecko.coin_details',
    records: 1234,
    total: 5000,
    pages: 25,
    rate: 310,
    retries: 0,
    waitedMs: 2500,
    etaSeconds: 13,
    parents: undefined,
    status: '',
  };

  it('a bar line fits every terminal width, dropping the least useful parts first', () => {
    const wide = formatProgressBar(view, 120);
    expect(wide).toContain('█');
    expect(wide).toContain('24% | 1234/5000 records | 25 pages | 310/s | waited 2.5s | ETA 13s');
    for (const columns of [100, 80, 60, 40, 30, 20]) {
      const line = formatProgressBar({ ...view, status: '(retry 1: HTTP 503, in 2.0 s)' }, columns);
      expect(line.length, `${columns}: ${line}`).toBeLessThan(columns);
      expect(line, `${columns}`).toMatch(/1234\/5000|coingecko/);
    }
    const narrow = formatProgressBar(view, 60);
    expect(narrow).toContain('1234/5000 records');
    expect(narrow).not.toContain('waited');
    expect(formatProgressBar({ ...view, resource: 'a.very.long.source.and.resource.name' }, 30).length).toBeLessThan(30);
  });

  it("a fan-out child's bar follows its parent rows", () => {
    const line = formatProgressBar({ ...view, total: undefined, etaSeconds: undefined, parents: { done: 5, total: 20 } }, 120);
    expect(line).toContain('25% | 1234 records | parent 5/20');
    expect(line).toContain('█');
  });

  /** A terminal in memory: what cli-progress draws on it. */
  function terminal(columns: number) {
    let drawn = '';
    const stream = {
      isTTY: true,
      columns,
      write: (chunk: string) => {
        drawn += chunk;
        return true;
      },
      on: () => stream,
      once: () => stream,
      removeListener: () => stream,
    };
    // The last frame of the bar: what follows the last carriage return or cursor move (ESC [ … letter).
    const frameBreak = new RegExp(`\r|${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`);
    const lastFrame = () => {
      const frames = drawn
        .split(frameBreak)
        .map((frame) => frame.trim())
        .filter((frame) => frame !== '');
      return frames.at(-1) ?? '';
    };
    return { stream: stream as unknown as NodeJS.WriteStream, lastFrame };
  }

  it('moves with each page fetched, and a retry note is gone once the retry succeeded', () => {
    const { log } = memoryLog('pretty');
    const retrying = terminal(100);
    const pending = createProgressReporter({ log, bars: retrying.stream });
    pending({ type: 'run-start', resource: 'api.a', runId: 1, attempt: 1, resumed: false, first: false });
    pending({ type: 'page', resource: 'api.a', runId: 1, index: 0, records: 10, attempts: 1, waitedMs: 0, status: 200, url: 'http://x' });
    pending({ type: 'retry', resource: 'api.a', attempt: 1, waitMs: 2000, reason: 'HTTP 503', announced: false, url: 'http://x' });
    pending.stop();
    // No batch committed yet: the bar shows what the pages brought.
    expect(retrying.lastFrame()).toMatch(/^api\.a 10 records \| 1 pages \| \d+\/s \(retry 1: HTTP 503, in 2\.0 s\)$/);

    const recovered = terminal(100);
    const answered = createProgressReporter({ log, bars: recovered.stream });
    answered({ type: 'run-start', resource: 'api.a', runId: 1, attempt: 1, resumed: false, first: false });
    answered({ type: 'page', resource: 'api.a', runId: 1, index: 0, records: 10, attempts: 1, waitedMs: 0, status: 200, url: 'http://x' });
    answered({ type: 'retry', resource: 'api.a', attempt: 1, waitMs: 2000, reason: 'HTTP 503', announced: false, url: 'http://x' });
    answered({
      type: 'page',
      resource: 'api.a',
      runId: 1,
      index: 1,
      records: 10,
      attempts: 2,
      waitedMs: 2000,
      status: 200,
      url: 'http://x',
    });
    answered.stop();
    expect(recovered.lastFrame()).toMatch(/^api\.a 20 records \| 2 pages \| \d+\/s$/);
  });
});
