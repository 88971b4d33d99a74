import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseJson } from 'siphon-sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { createTestDatabase, type TestDatabase } from './helpers/databases.js';
import { startServer, type TestServer } from './helpers/test-server.js';

// `siphon check --offline` judges the config alone: no request to the API,
// no connection to the database, and variables not set yet are notes.

interface OfflineJson {
  ok: boolean;
  offline: boolean;
  database: string;
  missingEnv: { name: string; paths: string[] }[];
  resources: {
    resource: string;
    request: { method: string; url: string };
    paginator: string;
    records?: string;
    parent?: { resource: string; fields: string[] };
    table: { name: string; write: string; primaryKey: string[] };
    columns: { name: string; type: string; from: string; key: boolean }[];
  }[];
  reports: { report: string; status: string; error?: string }[];
}

let db: TestDatabase;
// Counts what reaches it: an offline check must leave it at zero.
let api: TestServer;
beforeAll(async () => {
  db = await createTestDatabase('sqlite');
  api = await startServer((_req, res) => {
    res.writeHead(500);
    res.end();
  });
});
afterAll(async () => {
  await api.close();
  await db.drop();
});

function writeConfig(name: string, lines: readonly string[]): string {
  const file = join(db.dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** A shop: orders with offset paging, their lines under each order, a key from the environment and a report over both. */
function shop(database: string, extra: readonly string[] = []): string[] {
  return [
    `database: ${database}`,
    'sources:',
    '  shop:',
    `    baseUrl: ${api.url}/v1`,
    '    auth: { type: apiKey, in: header, name: X-Key, value: "${env:OFFLINE_SHOP_KEY}" }',
    '    resources:',
    '      orders:',
    '        path: /stores/${env:OFFLINE_STORE}/orders',
    '        params: { limit: 50 }',
    '        paginator: { type: offset, offsetParam: offset, limitParam: limit }',
    '        records: data.orders',
    '        primaryKey: id',
    '        schedule: "*/15 * * * *"',
    '        columns: { id: bigint, total: "decimal(12,2)", placed_at: timestamp }',
    '      lines:',
    '        path: /orders/{orders.id}/lines',
    '        paginator: linkHeader',
    '        primaryKey: line_id',
    '        columns: { line_id: bigint, quantity: integer }',
    ...extra,
  ];
}

describe('siphon check --offline', () => {
  it('accepts a valid config without a request or a database, saying what each resource would do', async () => {
    const file = writeConfig('shop.yaml', [
      ...shop('sqlite:./never-created/shop.db'),
      'reports:',
      '  order_sizes:',
      '    sql: SELECT o.id, o.total, sum(l.quantity) AS items FROM orders o JOIN lines l ON l.orders_id = o.id GROUP BY o.id, o.total',
    ]);
    const result = await runCli(['check', '--offline', '--config', file], { env: { OFFLINE_SHOP_KEY: 'offline-secret-key' } });
    expect(result.code, result.stderr).toBe(0);
    expect(api.requests).toHaveLength(0);
    // The database's directory does not even exist: an online check would stop there, offline opens nothing.
    expect(existsSync(join(db.dir, 'never-created'))).toBe(false);
    expect(result.stdout).toContain('config OK (offline: nothing sent, no database opened): 2 resources, database sqlite');
    expect(result.stdout).toMatch(/note: \$\{env:OFFLINE_STORE\} is not set \(sources\.shop\.resources\.orders\.path\)/);
    expect(result.stdout).toContain(`GET ${api.url}/v1/stores/\${env:OFFLINE_STORE}/orders?offset=0&limit=50 (not sent)`);
    expect(result.stdout).toContain('paginator: offset');
    expect(result.stdout).toContain('records: data.orders');
    expect(result.stdout).toContain('parent: shop.orders, one walk per row ({orders.id} ← id, recorded in column orders_id)');
    expect(result.stdout).toContain('schedule: */15 * * * *');
    expect(result.stdout).toContain('total decimal(12,2)');
    expect(result.stdout).toMatch(/report order_sizes: OK \(compiled by an in-memory SQLite/);
    expect(result.stdout).not.toContain('offline-secret-key');
  });

  it('prints a JSON document, and leaves a PostgreSQL config unconnected, its reports unchecked', async () => {
    // Port 1 refuses connections: an offline check must not try.
    const file = writeConfig('shop-pg.yaml', [
      ...shop('postgres://siphon@127.0.0.1:1/nowhere'),
      'reports:',
      '  orders_total:',
      '    sql: SELECT sum(total) FROM orders',
    ]);
    const result = await runCli(['check', '--offline', '--json', '--config', file]);
    expect(result.code, result.stderr).toBe(0);
    expect(api.requests).toHaveLength(0);
    const document = parseJson(result.stdout) as OfflineJson;
    expect(document).toMatchObject({ ok: true, offline: true, database: 'postgres' });
    expect(document.missingEnv.map((variable) => variable.name).sort()).toEqual(['OFFLINE_SHOP_KEY', 'OFFLINE_STORE']);
    expect(document.missingEnv.find((variable) => variable.name === 'OFFLINE_SHOP_KEY')?.paths).toEqual(['sources.shop.auth.value']);
    const [orders, lines] = document.resources;
    expect(orders).toMatchObject({ resource: 'shop.orders', records: 'data.orders', table: { name: 'orders', primaryKey: ['id'] } });
    expect(orders?.paginator).toMatch(/^offset/);
    expect(lines).toMatchObject({ resource: 'shop.lines', parent: { resource: 'shop.orders' } });
    expect(lines?.paginator).toBe('linkHeader (Link rel="next")');
    expect(lines?.records).toBeUndefined();
    expect(lines?.columns.find((column) => column.name === 'orders_id')).toMatchObject({ type: 'bigint', from: 'parent' });
    expect(document.reports).toEqual([{ report: 'orders_total', status: 'unchecked', error: expect.stringContaining('PostgreSQL') }]);
  });

  it('shows a baseUrl whose variable is not set as written, not as a stand-in', async () => {
    const file = writeConfig('unset-base.yaml', [
      'database: sqlite:./shop.db',
      'sources:',
      '  later:',
      '    baseUrl: ${env:OFFLINE_BASE}/v2',
      '    resources:',
      '      items: { path: /items, params: { per_page: 20 } }',
    ]);
    const result = await runCli(['check', '--offline', '--config', file]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('note: ${env:OFFLINE_BASE} is not set (sources.later.baseUrl)');
    expect(result.stdout).toContain('GET ${env:OFFLINE_BASE}/v2/items?per_page=20 (not sent)');
    expect(result.stdout).toContain('paginator: auto (strategy detected from the first response)');
  });

  it('fails a report SQLite cannot compile against the declared columns, with exit code 1', async () => {
    const file = writeConfig('shop-bad-report.yaml', [
      ...shop('sqlite:./shop.db'),
      'reports:',
      '  wrong_column:',
      '    sql: SELECT no_such_column FROM orders',
    ]);
    const result = await runCli(['check', '--offline', '--config', file]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/report wrong_column: FAILED: SQLite cannot run its SQL: .*no_such_column/);
    expect(api.requests).toHaveLength(0);
  });

  it('fails an invalid config with exit code 2, naming the file and the path of each problem', async () => {
    const file = writeConfig('broken.yaml', [
      ...shop('sqlite:./shop.db'),
      '      broken:',
      '        path: /things',
      '        schedule: "61 * * * *"',
      '        paginator: { type: offset, offsetParam: skip }',
    ]);
    const result = await runCli(['check', '--offline', '--config', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(file);
    expect(result.stderr).toContain('sources.shop.resources.broken.schedule');
    expect(result.stderr).toContain('sources.shop.resources.broken.paginator');
    expect(api.requests).toHaveLength(0);
  });

  it('does not go with --columns, which types columns from a fetched page', async () => {
    const file = writeConfig('shop-columns.yaml', shop('sqlite:./shop.db'));
    const result = await runCli(['check', '--offline', '--columns', '--config', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--offline.*cannot be used with.*--columns|--columns.*cannot be used with.*--offline/);
  });
});
