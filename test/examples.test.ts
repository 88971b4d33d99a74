import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { LosslessNumber, parseJson } from 'siphon-sync';
import { type DemoApiServer, demoDataset, startDemoApi } from 'siphon-sync/demo-api';
import { openStore, type Row, type Store } from 'siphon-sync/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableRows as rows } from './helpers/async.js';
import { runCli } from './helpers/cli.js';
import { createTestDatabase, dialects, type TestDatabase } from './helpers/databases.js';

// The three reference examples, as shipped, run end to end through the CLI
// against the demo API (only its address and the database are swapped in).
const dataset = demoDataset({ seed: 1 });

let api: DemoApiServer;
beforeAll(async () => {
  api = await startDemoApi({ seed: 1 });
});
afterAll(async () => {
  await api.close();
});

function example(name: string, db: TestDatabase): string {
  const text = readFileSync(new URL(`../examples/${name}.yaml`, import.meta.url), 'utf8')
    .replaceAll('http://127.0.0.1:9000', api.url)
    .replace(/^database: .*$/m, `database: ${db.url}`);
  const file = join(db.dir, `${name}.yaml`);
  writeFileSync(file, text);
  return file;
}

/** Rounds a decimal digit string half away from zero, independently of the store's code. */
function roundDecimal(text: string, scale: number): string {
  const negative = text.startsWith('-');
  const [whole = '0', fraction = ''] = text.replace('-', '').split('.');
  const digits = BigInt(whole + fraction.padEnd(scale + 1, '0').slice(0, scale + 1));
  const rounded = (digits + 5n) / 10n;
  const str = rounded.toString().padStart(scale + 1, '0');
  const result = scale === 0 ? str : `${str.slice(0, -scale)}.${str.slice(-scale)}`;
  return negative && rounded !== 0n ? `-${result}` : result;
}

/** A parsed JSON number as its plain digits (no exponent); other values as text. */
function plain(value: unknown): string {
  if (value instanceof LosslessNumber) return value.value;
  const text = String(value);
  if (typeof value !== 'number' || !/e/i.test(text)) return text;
  return value.toFixed(20).replace(/0+$/, '');
}

/** What a CSV cell must hold for a stored value (neutralized text, exact digits, empty for null). */
function csvText(value: unknown, numeric: boolean): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  if (!numeric && /^[=+\-@\t\r]/.test(text)) return `'${text}`;
  return text;
}

async function expectExportsEqualTable(store: Store, db: TestDatabase, config: string, table: string, expected: Row[]): Promise<void> {
  const columns = await store.tableColumns(table);
  const numeric = new Set(columns.filter((c) => ['integer', 'bigint', 'decimal', 'float'].includes(c.type?.kind ?? '')).map((c) => c.name));
  for (const format of ['csv', 'json', 'xlsx'] as const) {
    const output = join(db.dir, `${table}.${format}`);
    const result = await runCli(['export', table, '--config', config, '--format', format, '-o', output]);
    expect(result.code, result.stderr).toBe(0);
    if (format === 'csv') {
      const parsed = parseCsv(readFileSync(output, 'utf8'), { columns: true }) as Record<string, string>[];
      expect(parsed).toHaveLength(expected.length);
      parsed.forEach((row, i) => {
        for (const column of columns)
          expect(row[column.name], column.name).toBe(csvText(expected[i]?.[column.name], numeric.has(column.name)));
      });
    } else if (format === 'json') {
      const parsed = parseJson(readFileSync(output, 'utf8')) as Record<string, unknown>[];
      expect(parsed).toHaveLength(expected.length);
      parsed.forEach((row, i) => {
        for (const column of columns) {
          const want = expected[i]?.[column.name];
          // JSON numbers carry the exact digits; trailing zeros of a scale are not digits a parser keeps.
          const trim = (text: string): string => (/^-?\d+\.\d+$/.test(text) ? text.replace(/\.?0+$/, '') : text);
          expect(want === null ? null : trim(plain(row[column.name])), column.name).toBe(
            want === null || want === undefined ? null : trim(String(want)),
          );
        }
      });
    } else {
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.readFile(output);
      const sheet = workbook.worksheets[0];
      expect(sheet?.rowCount).toBe(expected.length + 1);
      expect(sheet?.getRow(1).font?.bold ?? sheet?.getRow(1).getCell(1).font?.bold).toBe(true);
      expect(sheet?.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      const header = ((sheet?.getRow(1).values ?? []) as unknown[]).slice(1);
      expect(header).toEqual(columns.map((c) => c.name));
      const first = columns[0]!.name;
      const key = header.indexOf(first) + 1;
      for (const [i, row] of expected.entries()) expect(String(sheet?.getRow(i + 2).getCell(key).value)).toBe(String(row[first]));
    }
  }
}

describe.each(dialects)('examples on %s', (dialect) => {
  let db: TestDatabase;
  let store: Store;
  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    store = await openStore(db.url);
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('coingecko.yaml fills full_coin column for column, exactly', async () => {
    const file = example('coingecko', db);
    const check = await runCli(['check', '--config', file]);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toContain('paginator: pageNumber (param "page" from 1, page size 50 from "per_page")');
    expect(check.stdout).toContain('records: $, 50 on the first page');
    expect(check.stdout).toContain(`"id": "${dataset.coins[0]?.id}"`);
    const result = await runCli(['run', '--config', file]);
    expect(result.code, result.stderr).toBe(0);
    const table = await rows(store, 'full_coin');
    expect(table).toHaveLength(dataset.coins.length);
    const columns = (await store.tableColumns('full_coin')).map((column) => column.name).sort();
    expect(columns).toHaveLength(25);
    const byId = new Map(table.map((row) => [row.coin_id, row]));
    for (const coin of dataset.coins) {
      const source = parseJson(coin.json) as Record<string, unknown>;
      const row = byId.get(coin.id);
      expect(row, coin.id).toBeDefined();
      expect(row?.market_cap).toBe(BigInt(plain(source.market_cap)));
      expect(row?.market_cap_change_24h).toBe(roundDecimal(plain(source.market_cap_change_24h), 6));
      expect(row?.market_cap_rank).toBe(coin.rank);
      expect(row?.current_price).toBe(roundDecimal(plain(source.current_price), 2));
      expect(row?.circulating_supply).toBe(roundDecimal(plain(source.circulating_supply), 2));
      expect(row?.price_change_percentage_24h).toBe(
        source.price_change_percentage_24h === null ? null : roundDecimal(plain(source.price_change_percentage_24h), 5),
      );
      expect(row?.ath_date).toBe(new Date(String(source.ath_date)).toISOString());
    }
    await expectExportsEqualTable(store, db, file, 'full_coin', table);
    // A replace run again swaps the same rows in; the history shows both runs.
    expect((await runCli(['run', '--config', file])).code).toBe(0);
    expect(await rows(store, 'full_coin')).toHaveLength(dataset.coins.length);
    const runs = await store.runs.list({ resource: 'coingecko.coins' });
    expect(runs.map((run) => run.status)).toEqual(['succeeded', 'succeeded']);
  }, 120_000);

  it('jsonplaceholder.yaml walks comments once per post and the engagement report is right', async () => {
    const file = example('jsonplaceholder', db);
    const result = await runCli(['run', '--config', file]);
    expect(result.code, result.stderr).toBe(0);
    expect((await rows(store, 'users')).map((row) => Number(row.id))).toEqual(dataset.users.map((user) => user.id));
    expect(await rows(store, 'posts')).toHaveLength(dataset.posts.length);
    const comments = await rows(store, 'comments');
    expect(comments.map((row) => Number(row.id)).sort((a, b) => a - b)).toEqual(dataset.comments.map((c) => c.id).sort((a, b) => a - b));
    expect(comments.every((row) => row.posts_id === row.post_id)).toBe(true);

    const expected = dataset.users
      .map((user) => {
        const posts = dataset.posts.filter((post) => post.userId === user.id);
        const ids = new Set(posts.map((post) => post.id));
        const total = dataset.comments.filter((comment) => ids.has(comment.postId)).length;
        return { user: user.id, posts: posts.length, total, avg: posts.length === 0 ? 0 : Math.round((total / posts.length) * 100) / 100 };
      })
      .sort((a, b) => b.total - a.total || a.user - b.user)
      .slice(0, 5);
    expect(new Set(expected.map((e) => e.total)).size).toBeGreaterThan(1);
    const report = await runCli(['report', 'engagement', '--config', file, '--format', 'json']);
    expect(report.code, report.stderr).toBe(0);
    const got = (parseJson(report.stdout) as Record<string, unknown>[]).map((row) => ({
      user: Number(row.user_id),
      posts: Number(row.total_posts),
      total: Number(row.total_comments),
      avg: Number(row.avg_comments_per_post),
    }));
    expect(got).toEqual(expected);
  }, 60_000);

  it('drf.yaml follows next URLs with the token from the environment', async () => {
    const file = example('drf', db);
    const missing = await runCli(['run', '--config', file], { env: { DRF_TOKEN: undefined } });
    expect(missing.code).toBe(2); // a config error: retrying will not help
    expect(missing.stderr).toContain('DRF_TOKEN');
    const result = await runCli(['run', '--config', file], { env: { DRF_TOKEN: 'demo-token' } });
    expect(result.code, result.stderr).toBe(0);
    const items = await rows(store, 'items');
    expect(items.map((row) => Number(row.id))).toEqual(dataset.drfItems.map((item) => item.id));
    expect(items.map((row) => row.price)).toEqual(dataset.drfItems.map((item) => item.price));
    const wrong = await runCli(['run', '--config', file], { env: { DRF_TOKEN: 'nope' } });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('HTTP 401');
    expect(wrong.stderr).not.toContain('nope');
  }, 60_000);
});
