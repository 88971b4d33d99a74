import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseJson } from 'siphon-sync';
import { type DemoApiServer, startDemoApi } from 'siphon-sync/demo-api';
import { openStore } from 'siphon-sync/store';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { runCli } from './helpers/cli.js';
import { createTestDatabase, dialects, type TestDatabase } from './helpers/databases.js';
import { sendJson, startServer } from './helpers/test-server.js';

// Every test starts siphon processes, each seconds of start-up on a loaded machine.
vi.setConfig({ testTimeout: 90_000 });

// `siphon check` is a dry run: one attempt per request, the columns a run
// would create, and each report compiled by the database against them.

interface CheckJson {
  ok: boolean;
  resources: {
    resource: string;
    status: string;
    request?: { url: string; status?: number; elapsedMs: number };
    paginator?: string;
    records?: { path: string; count: number };
    columns: { name: string; field?: string; type: string; from: string; key: boolean; widensFrom?: string }[];
    reason?: { name: string; message: string; hint?: string };
  }[];
  reports: { report: string; status: string; error?: string }[];
}

function writeConfig(db: TestDatabase, name: string, lines: readonly string[]): string {
  const file = join(db.dir, name);
  writeFileSync(file, [`database: ${db.url}`, ...lines, ''].join('\n'));
  return file;
}

let demo: DemoApiServer;
beforeAll(async () => {
  demo = await startDemoApi({ seed: 1 });
});
afterAll(async () => {
  await demo.close();
});

describe('siphon check on an address nothing answers', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
  });
  afterAll(async () => {
    await db.drop();
  });

  it('answers at once with "is baseUrl right?" naming the URL, without its secrets', async () => {
    const closed = await startServer(() => {});
    await closed.close();
    const file = writeConfig(db, 'closed.yaml', [
      'sources:',
      '  gone:',
      `    baseUrl: ${closed.url}/api`,
      '    auth: { type: apiKey, in: query, name: key, value: "${env:GONE_KEY}" }',
      '    retry: { retries: 5, base: 2s }',
      '    resources:',
      '      things: { path: /things }',
    ]);
    const json = await runCli(['check', '--json', '--config', file], { env: { GONE_KEY: 'gone-secret-value' } });
    expect(json.code).toBe(1);
    const document = parseJson(json.stdout) as CheckJson;
    const [things] = document.resources;
    expect(things?.status).toBe('failed');
    expect(things?.reason?.name).toBe('NetworkError');
    expect(things?.reason?.hint).toBe(`is baseUrl right? sources.gone.baseUrl is ${closed.url}/api`);
    // One attempt: five retries 2 s apart would take far longer than the 6 s a check may take.
    expect(things?.request?.elapsedMs).toBeLessThan(6000);
    expect(`${json.stdout}${json.stderr}`).not.toContain('gone-secret-value');

    // A port fetch refuses to call is a wrong baseUrl too, and the message says why.
    writeConfig(db, 'port-one.yaml', [
      'sources:',
      '  odd:',
      '    baseUrl: http://127.0.0.1:1',
      '    resources:',
      '      things: { path: /things }',
    ]);
    const odd = await runCli(['check', '--config', join(db.dir, 'port-one.yaml')]);
    expect(odd.code).toBe(1);
    expect(odd.stdout).toContain('fetch failed: bad port');
    expect(odd.stdout).toContain('is baseUrl right? sources.odd.baseUrl is http://127.0.0.1:1/');

    const text = await runCli(['check', '--config', file], { env: { GONE_KEY: 'gone-secret-value' } });
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(`is baseUrl right? sources.gone.baseUrl is ${closed.url}/api`);
    expect(text.stdout).toContain('ECONNREFUSED');
    expect(text.stdout).not.toContain('gone-secret-value');
  });

  it('gives up on a server that never answers after 5 s, once', async () => {
    const silent = await startServer(() => {});
    try {
      const file = writeConfig(db, 'silent.yaml', [
        'sources:',
        '  silent:',
        `    baseUrl: ${silent.url}`,
        '    timeout: 60s',
        '    resources:',
        '      things: { path: /things }',
      ]);
      const result = await runCli(['check', '--json', '--config', file]);
      expect(result.code).toBe(1);
      const [things] = (parseJson(result.stdout) as CheckJson).resources;
      expect(things?.reason?.name).toBe('TimeoutError');
      expect(things?.reason?.hint).toBe(`is baseUrl right? sources.silent.baseUrl is ${silent.url}/`);
      // 5 s, not the source's 60 s; the upper bound leaves room for a loaded machine.
      expect(things?.request?.elapsedMs).toBeGreaterThanOrEqual(4900);
      expect(things?.request?.elapsedMs).toBeLessThan(20_000);
      expect(silent.requests).toHaveLength(1);
    } finally {
      await silent.close();
    }
  });

  it('warns where a declared decimal(p,s) would round digits the sample has', async () => {
    const file = writeConfig(db, 'coins.yaml', [
      'sources:',
      '  demo:',
      `    baseUrl: ${demo.url}/api/v3`,
      '    resources:',
      '      coins:',
      '        path: /coins/markets',
      '        params: { vs_currency: usd, per_page: 20 }',
      '        columns: { current_price: "decimal(20,2)", market_cap_rank: integer }',
    ]);
    const result = await runCli(['check', '--json', '--config', file]);
    expect(result.code, result.stderr).toBe(0);
    const [coins] = (parseJson(result.stdout) as CheckJson & { resources: { warnings: string[] }[] }).resources;
    expect(coins?.warnings).toEqual([
      expect.stringMatching(/^column current_price is declared decimal\(20,2\), which rounds -?\d+\.\d{3,} to 2 decimal places/),
    ]);
    expect(coins?.columns.find((column) => column.name === 'market_cap_rank')).toMatchObject({ type: 'integer', from: 'declared' });
  });

  it('makes one request where a run would retry', async () => {
    const failing = await startServer((_req, res) => sendJson(res, 503, { error: 'down for maintenance' }));
    try {
      const file = writeConfig(db, 'failing.yaml', [
        'sources:',
        '  flaky:',
        `    baseUrl: ${failing.url}`,
        '    retry: { retries: 3, base: 10ms, max: 10ms }',
        '    resources:',
        '      things: { path: /things }',
      ]);
      const result = await runCli(['check', '--json', '--config', file]);
      expect(result.code).toBe(1);
      const [things] = (parseJson(result.stdout) as CheckJson).resources;
      expect(things?.request?.status).toBe(503);
      expect(things?.reason?.message).toContain('HTTP 503');
      expect(things?.reason?.hint).toBeUndefined();
      expect(failing.requests).toHaveLength(1);
    } finally {
      await failing.close();
    }
  });

  it('fails where auto falls back to a single request the API says is not all, as the run would', async () => {
    const file = writeConfig(db, 'partial.yaml', [
      'sources:',
      '  jp:',
      `    baseUrl: ${demo.url}`,
      '    resources:',
      '      posts: { path: /posts, params: { _limit: 10 }, primaryKey: id }',
      '      all: { path: /posts, params: { _limit: 10 }, primaryKey: id, expectTotal: false }',
    ]);
    const result = await runCli(['check', '--json', '--config', file]);
    expect(result.code).toBe(1);
    const [posts, all] = (parseJson(result.stdout) as CheckJson).resources;
    expect(posts?.status).toBe('failed');
    expect(posts?.reason?.message).toBe('a run would fetch only this page and fail: X-Total-Count announces 100 records');
    expect(posts?.reason?.hint).toContain('declare `paginator: { type: offset, offsetParam: _start, limitParam: _limit }`');
    // Its columns are still shown; expectTotal: false says the total counts something else.
    expect(posts?.columns.map((column) => column.name)).toContain('user_id');
    expect(all?.status).toBe('ok');
  });

  it('a report reading a table whose columns nothing settles yet is not checked, and does not fail the check', async () => {
    const empty = await startServer((_req, res) => sendJson(res, 200, []));
    try {
      const file = writeConfig(db, 'empty.yaml', [
        'sources:',
        '  quiet:',
        `    baseUrl: ${empty.url}`,
        '    resources:',
        '      events: { path: /events }',
        'reports:',
        '  recent: { sql: "SELECT kind FROM events" }',
      ]);
      const result = await runCli(['check', '--json', '--config', file]);
      expect(result.code, result.stderr).toBe(0);
      const document = parseJson(result.stdout) as CheckJson;
      expect(document.reports).toEqual([{ report: 'recent', status: 'unchecked', error: expect.stringContaining('reads events') }]);
      expect(result.stderr).toContain('report recent: not checked');
    } finally {
      await empty.close();
    }
  });
});

describe.each(dialects)('siphon check against the demo API on %s', (dialect) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(dialect);
  });
  afterAll(async () => {
    await db.drop();
  });

  const demoConfig = (reports: readonly string[] = []): string[] => [
    'sources:',
    '  demo:',
    `    baseUrl: ${demo.url}`,
    '    resources:',
    '      users: { path: /users, primaryKey: id }',
    '      posts: { path: /posts, paginator: { type: offset, offsetParam: _start, limitParam: _limit, limit: 20 }, primaryKey: id }',
    '      comments: { path: "/posts/{posts.id}/comments", primaryKey: id }',
    ...(reports.length > 0 ? ['reports:', ...reports] : []),
  ];

  it('shows the paginator, the records path and the columns a run would create, and writes nothing', async () => {
    const file = writeConfig(
      db,
      'demo.yaml',
      demoConfig(['  per_user: { sql: "SELECT u.name, count(*) AS n FROM users u JOIN posts p ON p.user_id = u.id GROUP BY u.name" }']),
    );
    const result = await runCli(['check', '--json', '--config', file]);
    expect(result.code, result.stderr).toBe(0);
    const document = parseJson(result.stdout) as CheckJson;
    expect(document.ok).toBe(true);
    const posts = document.resources.find((check) => check.resource === 'demo.posts');
    expect(posts?.paginator).toBe('offset (param "_start" from 0, 20 per page via "_limit")');
    expect(posts?.records).toEqual({ path: '$', detected: true, count: 20 });
    expect(posts?.columns).toEqual([
      { name: 'id', field: 'id', type: 'bigint', sqlType: expect.any(String), from: 'inferred', key: true },
      { name: 'user_id', field: 'userId', type: 'bigint', sqlType: expect.any(String), from: 'inferred', key: false },
      { name: 'title', field: 'title', type: 'text', sqlType: expect.any(String), from: 'inferred', key: false },
      { name: 'body', field: 'body', type: 'text', sqlType: expect.any(String), from: 'inferred', key: false },
    ]);
    // The child walks once per post: the check takes a post id from the sampled page of posts, whose table is empty.
    const comments = document.resources.find((check) => check.resource === 'demo.comments');
    expect(comments?.status).toBe('ok');
    // Post 1 has no comments in the demo's data: the check tries further posts until one shows the columns.
    expect(comments?.request?.url).toMatch(/\/posts\/\d+\/comments$/);
    expect(comments?.records?.count).toBeGreaterThan(0);
    expect(comments?.columns.map((column) => column.name)).toContain('posts_id');
    expect(document.reports).toEqual([{ report: 'per_user', status: 'ok' }]);
    // A dry run: no database file, none of Siphon's own tables, no table of the config.
    if (dialect === 'sqlite') expect(existsSync(db.url.replace(/^sqlite:/, ''))).toBe(false);
    const store = await openStore(db.url);
    try {
      for (const table of ['users', 'posts', 'comments', '_siphon_runs']) expect(await store.hasTable(table), table).toBe(false);
    } finally {
      await store.close();
    }
  });

  it('a report whose SQL cannot run fails the check, naming the report and the database message', async () => {
    const file = writeConfig(
      db,
      'broken.yaml',
      demoConfig([
        '  fine: { sql: "SELECT user_id, count(*) AS n FROM posts GROUP BY user_id" }',
        '  broken: { sql: "SELECT p.no_such_column FROM posts p" }',
      ]),
    );
    const json = await runCli(['check', '--json', '--config', file]);
    expect(json.code).toBe(1);
    const document = parseJson(json.stdout) as CheckJson;
    expect(document.ok).toBe(false);
    expect(document.reports[0]).toEqual({ report: 'fine', status: 'ok' });
    expect(document.reports[1]).toMatchObject({ report: 'broken', status: 'failed' });
    expect(document.reports[1]?.error).toContain('no_such_column');
    expect(json.stderr).toMatch(/report broken: FAILED: \w+ cannot run its SQL: .*no_such_column/);
  });

  it('compiles reports against the table as a run would leave it, and leaves the table as it is', async () => {
    // An earlier run's table lacks user_id: the run would add it, so a report reading it can run.
    const store = await openStore(db.url);
    try {
      await store.init();
      await store.ensureTable({
        name: 'posts',
        columns: [
          { name: 'id', type: { kind: 'integer' } },
          { name: 'title', type: { kind: 'text' } },
        ],
        primaryKey: ['id'],
      });
      const file = writeConfig(
        db,
        'grown.yaml',
        demoConfig(['  by_user: { sql: "SELECT user_id, count(*) AS n FROM posts GROUP BY user_id" }']),
      );
      const result = await runCli(['check', '--json', 'demo', '--config', file]);
      expect(result.code, result.stderr).toBe(0);
      const document = parseJson(result.stdout) as CheckJson;
      const posts = document.resources.find((check) => check.resource === 'demo.posts');
      expect(posts?.columns.map(({ name, from, widensFrom }) => ({ name, from, widensFrom }))).toEqual([
        { name: 'id', from: 'table', widensFrom: 'integer' },
        { name: 'title', from: 'table', widensFrom: undefined },
        { name: 'user_id', from: 'inferred', widensFrom: undefined },
        { name: 'body', from: 'inferred', widensFrom: undefined },
      ]);
      expect(document.reports).toEqual([{ report: 'by_user', status: 'ok' }]);
      expect((await store.tableColumns('posts')).map((column) => column.name)).toEqual(['id', 'title']);
    } finally {
      await store.close();
    }
  });

  it('--columns prints a columns: block that pastes into the config', async () => {
    const file = writeConfig(db, 'columns.yaml', demoConfig());
    const result = await runCli(['check', '--columns', 'demo.posts', '--config', file]);
    expect(result.code, result.stderr).toBe(0);
    const block = parseYaml(result.stdout) as { columns: Record<string, unknown> };
    expect(block.columns).toEqual({ id: 'bigint', userId: { name: 'user_id', type: 'bigint' }, title: 'text', body: 'text' });
    // A child on its own: a row of its parent's first page gives the walk; the parent column is the walk's, not a field.
    const child = await runCli(['check', '--columns', 'demo.comments', '--config', file]);
    expect(child.code, child.stderr).toBe(0);
    expect(child.stdout).not.toContain('demo.posts');
    const comments = parseYaml(child.stdout) as { columns: Record<string, unknown> };
    expect(comments.columns).toEqual({
      postId: { name: 'post_id', type: 'bigint' },
      id: 'bigint',
      name: 'text',
      email: 'text',
      body: 'text',
    });
  });
});
