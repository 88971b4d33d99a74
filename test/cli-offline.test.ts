import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DemoApiServer, startDemoApi } from 'siphon-sync/demo-api';
import { openStore } from 'siphon-sync/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, spawnCli } from './helpers/cli.js';

// The config's surroundings (.env, SIPHON_CONFIG, SIPHON_* in --help) and the commands that send no
// requests: they need no API secret and never create a database; exports pick their format from the file name.
// Several tests start a few siphon processes each, a second or more apiece on a loaded machine: hence the longer timeouts.
let api: DemoApiServer;
let dir: string;
/** Has a .env holding the API token, and the database once synced. */
let project: string;
/** The same sources and database, with no .env: the token is missing. */
let bare: string;

const config = (baseUrl: string, database: string) =>
  [
    `database: ${JSON.stringify(database)}`,
    'sources:',
    '  shop:',
    `    baseUrl: ${baseUrl}`,
    '    auth: { type: token, token: "${env:DRF_TOKEN}" }',
    '    resources:',
    '      items: { path: /drf/items, params: { page_size: 50 }, paginator: { type: nextUrl, nextPath: next }, records: results, primaryKey: id }',
    'reports:',
    '  priciest: { sql: "SELECT id, price FROM items ORDER BY id LIMIT 3" }',
    '',
  ].join('\n');

beforeAll(async () => {
  api = await startDemoApi({ seed: 1, size: { drfItems: 120 } });
  dir = await mkdtemp(join(tmpdir(), 'siphon-offline-'));
  project = join(dir, 'project');
  bare = join(dir, 'bare');
  await mkdir(project);
  await mkdir(bare);
  const database = `sqlite:${join(project, 'data.db')}`;
  await writeFile(join(project, 'siphon.yaml'), config(api.url, database));
  await writeFile(join(project, '.env'), '# the demo checks this token\nDRF_TOKEN=demo-token\n');
  await writeFile(join(bare, 'siphon.yaml'), config(api.url, database));
});
afterAll(async () => {
  await api.close();
  await rm(dir, { recursive: true, force: true });
});

describe('commands that send no requests', () => {
  it('never create a missing database file and need no API secret', async () => {
    const results = await Promise.all([
      runCli(['runs'], { cwd: bare, env: { DRF_TOKEN: undefined } }),
      runCli(['export', 'items'], { cwd: bare, env: { DRF_TOKEN: undefined } }),
      runCli(['report', 'priciest'], { cwd: bare, env: { DRF_TOKEN: undefined } }),
      runCli(['state', 'show'], { cwd: bare, env: { DRF_TOKEN: undefined } }),
    ]);
    for (const result of results) {
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain('data.db does not exist');
      // The missing token is no reason to stop these: the database is.
      expect(result.stderr).not.toContain('DRF_TOKEN');
    }
    expect(existsSync(join(project, 'data.db'))).toBe(false);
    // `run` does need it.
    const run = await runCli(['run'], { cwd: bare, env: { DRF_TOKEN: undefined } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('environment variable DRF_TOKEN is not set');
  }, 90_000);
});

describe('.env and SIPHON_CONFIG', () => {
  it('reads .env beside the config (variables already set win), found through SIPHON_CONFIG', async () => {
    // The environment's wrong token wins over the .env's right one: the API refuses it.
    const overridden = await runCli(['run'], { cwd: dir, env: { SIPHON_CONFIG: join(project, 'siphon.yaml'), DRF_TOKEN: 'wrong-token' } });
    expect(overridden.code).toBe(1);
    expect(overridden.stderr).toContain('401');
    const run = await runCli(['run'], { cwd: dir, env: { SIPHON_CONFIG: join(project, 'siphon.yaml'), DRF_TOKEN: undefined } });
    expect(run.code, run.stderr).toBe(0);

    // Now there is data; the commands that only read it still need no token.
    const [report, runs] = await Promise.all([
      runCli(['report', 'priciest'], { cwd: bare, env: { DRF_TOKEN: undefined } }),
      runCli(['runs', '--status', 'succeeded', '--json'], { cwd: bare, env: { DRF_TOKEN: undefined } }),
    ]);
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout.split('\n').filter((line) => /^\s*\d/.test(line))).toHaveLength(3);
    expect(runs.code, runs.stderr).toBe(0);
    expect((JSON.parse(runs.stdout) as { records: number }[])[0]?.records).toBe(120);
  }, 90_000);

  it('--help lists every SIPHON_* variable the sources read, and so does the README', async () => {
    const src = fileURLToPath(new URL('../src', import.meta.url));
    const names = new Set<string>();
    for (const file of await readdir(src, { recursive: true })) {
      if (!/\.tsx?$/.test(file)) continue;
      const text = await readFile(join(src, file), 'utf8');
      for (const match of text.matchAll(/(?:process\.env\.|env\.|env\[|['"`])(SIPHON_[A-Z0-9_]+)/g)) names.add(match[1] as string);
    }
    expect(names).toContain('SIPHON_DATABASE');
    expect(names).toContain('SIPHON_CONFIG');
    const help = await runCli(['--help']);
    const readme = await readFile(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
    for (const name of names) {
      expect(help.stdout, name).toContain(name);
      expect(readme, name).toContain(name);
    }
  });
});

describe('siphon export', () => {
  it('takes the format from the file extension; a --format that contradicts it is a usage error', async () => {
    const xlsx = join(project, 'items.xlsx');
    const [exported, contradicted, json] = await Promise.all([
      runCli(['export', 'items', '-o', xlsx], { cwd: bare }),
      runCli(['export', 'items', '--format', 'csv', '-o', join(project, 'other.xlsx')], { cwd: bare }),
      runCli(['export', 'items', '-o', join(project, 'items.JSON')], { cwd: bare }),
    ]);
    expect(exported.code, exported.stderr).toBe(0);
    // A zip container, as every .xlsx is.
    expect((await readFile(xlsx)).subarray(0, 2).toString()).toBe('PK');
    expect(contradicted.code).toBe(2);
    expect(contradicted.stderr).toContain('--format: csv contradicts the output file');
    expect(existsSync(join(project, 'other.xlsx'))).toBe(false);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(await readFile(join(project, 'items.JSON'), 'utf8'))).toHaveLength(120);
  });

  it('names the unwritable path it was given, not a temporary file', async () => {
    const target = join(project, 'no-such-dir', 'items.csv');
    const result = await runCli(['export', 'items', '-o', target], { cwd: bare });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`cannot write the export to ${target}`);
    expect(result.stderr).not.toContain('.tmp');
  });

  it('ends quietly with exit 0 when the reader closes the pipe (siphon export t | head -1)', async () => {
    // Far more than a pipe's buffer, so the export is still writing when the pipe closes.
    const store = await openStore(`sqlite:${join(project, 'data.db')}`);
    try {
      await store.init();
      const table = { name: 'big', columns: [{ name: 'line', type: { kind: 'text' as const } }], primaryKey: [] };
      await store.ensureTable(table);
      const run = await store.runs.start({ resource: 'fill.big', trigger: 'manual' });
      const rows = Array.from({ length: 20_000 }, (_, i) => ({ line: `row ${i} ${'x'.repeat(60)}` }));
      await store.writeBatch({
        runId: run.id,
        table,
        mode: 'append',
        rows,
        checkpoint: null,
        pages: 1,
        records: rows.length,
        retries: 0,
        waitedMs: 0,
      });
    } finally {
      await store.close();
    }
    const child = spawnCli(['export', 'big'], { cwd: bare });
    let first = '';
    child.stdout?.once('data', (chunk: Buffer) => {
      first = chunk.toString().split(/\r?\n/)[0] ?? '';
      child.stdout?.destroy();
    });
    const result = await child.result;
    expect(first).toBe('line');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  }, 90_000);
});
