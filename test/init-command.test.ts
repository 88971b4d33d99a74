import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LosslessNumber, loadConfig, parseJson } from 'siphon-sync';
import { type DemoApiServer, demoAccounts, demoDataset, startDemoApi } from 'siphon-sync/demo-api';
import { openStore, type Row } from 'siphon-sync/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { tableRows } from './helpers/async.js';
import { runCli } from './helpers/cli.js';
import { createTestDatabase, dialects, type TestDatabase } from './helpers/databases.js';

// `siphon init`: a config generated from an OpenAPI description must run as written.
const dataset = demoDataset({ seed: 1 });
const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

let api: DemoApiServer;
beforeAll(async () => {
  api = await startDemoApi({ seed: 1 });
});
afterAll(async () => {
  await api.close();
});

type Resource = { path: string; paginator: unknown; records?: string; primaryKey?: string; columns?: Record<string, string> };
type Generated = { sources: Record<string, { baseUrl: string; auth?: Record<string, string>; resources: Record<string, Resource> }> };

function generatedSource(file: string): Generated['sources'][string] {
  const sources = Object.values((parseYaml(readFileSync(file, 'utf8')) as Generated).sources);
  expect(sources).toHaveLength(1);
  return sources[0] as Generated['sources'][string];
}

/** A source value as the digits or text a column of `type` must hold, independently of the store's code. */
function canonical(type: string, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof LosslessNumber) value = value.value;
  switch (type) {
    case 'timestamp':
      return new Date(value instanceof Date ? value : String(value)).toISOString();
    case 'json':
      // Compared as values: PostgreSQL's jsonb keeps keys in its own order.
      return typeof value === 'string' ? JSON.parse(value) : value;
    case 'boolean':
      return Boolean(value);
    case 'decimal': {
      const text = plainDigits(String(value));
      return /\./.test(text) ? text.replace(/\.?0+$/, '') : text;
    }
    default:
      return String(value);
  }
}

/** `6.2e-8` as `0.000000062`: JSON may write a number with an exponent, a decimal column holds its digits. */
function plainDigits(text: string): string {
  const match = /^(-?)(\d+)(?:\.(\d*))?[eE]([+-]?\d+)$/.exec(text);
  if (!match) return text;
  const [, sign, whole = '', fraction = '', exponent] = match;
  const digits = whole + fraction;
  const point = whole.length + Number(exponent);
  const padded =
    point <= 0
      ? `0.${'0'.repeat(-point)}${digits}`
      : point >= digits.length
        ? digits + '0'.repeat(point - digits.length)
        : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return sign + padded.replace(/^0+(?=\d)/, '');
}

const snake = (field: string): string => field.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

describe.each(dialects)('siphon init --openapi on the demo API on %s', (dialect) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(dialect);
  });
  afterAll(async () => {
    await db.drop();
  });

  it('generates a config that siphon check accepts and siphon run syncs exactly for every list endpoint', async () => {
    const config = join(db.dir, 'siphon.yaml');
    const init = await runCli([
      'init',
      '--openapi',
      `${api.url}/openapi.json`,
      '-o',
      config,
      '--env-example',
      join(db.dir, '.env.example'),
    ]);
    expect(init.code, init.stderr).toBe(0);
    const source = generatedSource(config);
    const env = { SIPHON_DATABASE: db.url, DRF_TOKEN: 'demo-token' };
    const check = await runCli(['check', '--config', config], { env });
    expect(check.code, check.stderr).toBe(0);
    const run = await runCli(['run', '--config', config], { env });
    expect(run.code, run.stderr).toBe(0);

    const active = new Set(
      demoAccounts(dataset.users)
        .filter((account) => account.status === 'active')
        .map((account) => account.id),
    );
    const expected: Record<string, readonly object[]> = {
      coins_markets: dataset.coins.map((coin) => parseJson(coin.json) as object),
      users: dataset.users,
      posts: dataset.posts,
      comments: dataset.comments,
      accounts: demoAccounts(dataset.users),
      accounts_posts: dataset.posts.filter((post) => active.has(post.userId)),
      users_posts: dataset.posts,
      posts_comments: dataset.comments,
      drf_items: dataset.drfItems,
      cursor_events: dataset.cursorEvents,
    };
    expect(Object.keys(source.resources).sort()).toEqual(Object.keys(expected).sort());
    expect(source.resources.posts_comments?.path).toBe('/posts/{posts.id}/comments');
    expect(source.resources.drf_items?.paginator).toEqual({ type: 'nextUrl', nextPath: 'next' });
    expect(source.resources.cursor_events?.paginator).toEqual({ type: 'cursor', cursorParam: 'cursor', cursorPath: 'next_cursor' });
    expect(source.resources.posts?.paginator).toBe('linkHeader');
    expect(source.auth).toEqual({ type: 'token', scheme: 'Token', token: '${env:DRF_TOKEN}' });

    const store = await openStore(db.url);
    try {
      for (const [name, records] of Object.entries(expected)) {
        const resource = source.resources[name] as Resource;
        const columns = Object.entries(resource.columns ?? {});
        const stored = new Map<string, Row>((await tableRows(store, name)).map((row) => [String(row.id), row]));
        expect(stored.size, name).toBe(records.length);
        for (const record of records as Record<string, unknown>[]) {
          const id = String(record.id instanceof LosslessNumber ? record.id.value : record.id);
          const row = stored.get(id);
          expect(row, `${name} ${id}`).toBeDefined();
          for (const [field, type] of columns) {
            expect(canonical(type, row?.[snake(field)]), `${name} ${id} ${field}`).toEqual(canonical(type, record[field]));
          }
        }
      }
    } finally {
      await store.close();
    }
  }, 90_000);
});

describe('siphon init', () => {
  it('writes a commented config for the demo API and a .env.example, and refuses to overwrite them without --force', async () => {
    const db = await createTestDatabase('sqlite');
    try {
      const first = await runCli(['init'], { cwd: db.dir });
      expect(first.code, first.stderr).toBe(0);
      const yaml = readFileSync(join(db.dir, 'siphon.yaml'), 'utf8');
      expect(yaml).toContain('baseUrl: http://127.0.0.1:9000');
      expect(yaml).toMatch(/# \{id\} guessed to be posts's id/);
      expect(readFileSync(join(db.dir, '.env.example'), 'utf8')).toMatch(/^DRF_TOKEN=$/m);
      // Valid before the demo API runs or the token is set: the missing variable is a note.
      const offline = await runCli(['check', '--offline'], { cwd: db.dir, env: { DRF_TOKEN: undefined, SIPHON_DATABASE: undefined } });
      expect(offline.code, `${offline.stdout}${offline.stderr}`).toBe(0);
      expect(offline.stdout).toContain('note: ${env:DRF_TOKEN} is not set (sources.siphon.auth.token)');
      writeFileSync(join(db.dir, 'siphon.yaml'), 'kept');
      const again = await runCli(['init'], { cwd: db.dir });
      expect(again.code).not.toBe(0);
      expect(again.stderr).toContain('--force');
      expect(readFileSync(join(db.dir, 'siphon.yaml'), 'utf8')).toBe('kept');
      const forced = await runCli(['init', '--force'], { cwd: db.dir });
      expect(forced.code, forced.stderr).toBe(0);
      expect(readFileSync(join(db.dir, 'siphon.yaml'), 'utf8')).toBe(yaml);
    } finally {
      await db.drop();
    }
  }, 60_000);

  it('reads a Swagger 2.0 description: offset paging in an envelope, basic auth, a child, --exclude by tag', async () => {
    const db = await createTestDatabase('sqlite');
    try {
      const config = join(db.dir, 'shop.yaml');
      const envFile = join(db.dir, 'shop.env');
      const result = await runCli([
        'init',
        '--openapi',
        fixture('swagger2-shop.yaml'),
        '-o',
        config,
        '--env-example',
        envFile,
        '--exclude',
        'catalog',
      ]);
      expect(result.code, result.stderr).toBe(0);
      const source = generatedSource(config);
      expect(source.baseUrl).toBe('https://shop.example.test/v2');
      expect(source.auth).toEqual({ type: 'basic', username: '${env:SHOP_BASIC_USERNAME}', password: '${env:SHOP_BASIC_PASSWORD}' });
      expect(Object.keys(source.resources)).toEqual(['orders', 'orders_lines']);
      expect(source.resources.orders).toMatchObject({
        paginator: { type: 'offset', offsetParam: 'offset', limitParam: 'limit' },
        params: { limit: 200 },
        records: 'orders',
        primaryKey: 'id',
        columns: { id: 'text', amount: 'decimal', placed_at: 'timestamp', paid: 'boolean' },
      });
      expect(source.resources.orders_lines).toMatchObject({
        path: '/orders/{orders.id}/lines',
        primaryKey: 'line_id',
        columns: { line_id: 'bigint', quantity: 'integer' },
      });
      expect(readFileSync(config, 'utf8')).toContain('# guessed from the field');
      expect(readFileSync(config, 'utf8')).toContain('GET /status: its response is not a list');
      const loaded = await loadConfig({ file: config, env: { SHOP_BASIC_USERNAME: 'u', SHOP_BASIC_PASSWORD: 'p' } });
      expect(loaded.resources.map((resource) => resource.name)).toEqual(['orders', 'orders_lines']);
    } finally {
      await db.drop();
    }
  });

  it('reads an OpenAPI 3.0 description: a page-token cursor, zero-based pages, bearer auth, --include by glob', async () => {
    const db = await createTestDatabase('sqlite');
    try {
      const config = join(db.dir, 'tickets.yaml');
      const envFile = join(db.dir, 'tickets.env');
      const all = await runCli(['init', '--openapi', fixture('openapi30-tickets.json'), '-o', config, '--env-example', envFile]);
      expect(all.code, all.stderr).toBe(0);
      const source = generatedSource(config);
      expect(source.auth).toEqual({ type: 'bearer', token: '${env:BEARER_AUTH_TOKEN}' });
      expect(source.resources.tickets).toMatchObject({
        paginator: { type: 'cursor', cursorParam: 'page_token', cursorPath: 'next_page_token' },
        params: { page_size: 100 },
        records: 'tickets',
        columns: { ticket_id: 'bigint', priority: 'decimal', updated: 'timestamp', labels: 'json' },
      });
      expect(source.resources.agents).toMatchObject({
        paginator: { type: 'pageNumber', pageParam: 'page', start: 0, sizeParam: 'per_page' },
        params: { per_page: 25 },
      });
      expect(readFileSync(envFile, 'utf8')).toMatch(/^BEARER_AUTH_TOKEN=$/m);
      await loadConfig({ file: config, env: { BEARER_AUTH_TOKEN: 't' } });

      const only = await runCli([
        'init',
        '--openapi',
        fixture('openapi30-tickets.json'),
        '-o',
        config,
        '--env-example',
        envFile,
        '--force',
        '--include',
        '/tick*',
      ]);
      expect(only.code, only.stderr).toBe(0);
      expect(Object.keys(generatedSource(config).resources)).toEqual(['tickets']);
      expect(existsSync(envFile)).toBe(true);
    } finally {
      await db.drop();
    }
  });
});
