import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { parseConfig, type ResolvedConfig } from 'siphon-sync';
import { type AdminServer, createAdminApp, DirectRunNow, serveAdmin } from 'siphon-sync/admin';
import { openStore, type Row, type Store } from 'siphon-sync/store';
import { syncResources } from 'siphon-sync/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN } from './helpers/admin-fixture.js';
import { tableRows } from './helpers/async.js';
import { createTestDatabase, type TestDatabase } from './helpers/databases.js';
import { startServer, type TestServer } from './helpers/test-server.js';

/** Debian's chromium package; another build with SIPHON_TEST_CHROMIUM. */
const CHROMIUM = process.env.SIPHON_TEST_CHROMIUM ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM && (process.env.CI === 'true' || process.env.SIPHON_TEST_REQUIRE_SERVICES === '1')) {
  throw new Error(`the admin's end-to-end test needs Chromium at ${CHROMIUM} (apt-get install chromium, or set SIPHON_TEST_CHROMIUM)`);
}
if (!HAVE_CHROMIUM) console.warn(`admin-e2e: skipped, no Chromium at ${CHROMIUM} (apt-get install chromium)`);

/** With SIPHON_ADMIN_SCREENSHOTS=1 the screenshots land in docs/ for the README; otherwise in a temporary directory. */
const SHOTS = process.env.SIPHON_ADMIN_SCREENSHOTS ? resolve('docs') : mkdtempSync(join(tmpdir(), 'siphon-shots-'));
const BIG_ROWS = 1_000_000;

/**
 * Fills `big` with a million rows in one SQL statement: prices are decimal
 * text whose text order is not their numeric order, a few are null.
 */
function fillBigTable(path: string): void {
  const db = new Database(path);
  try {
    db.exec(`
      INSERT INTO big (id, name, price, qty)
      WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ${BIG_ROWS})
      SELECT n, 'item ' || n,
             CASE WHEN n % 1000 = 7 THEN NULL ELSE printf('%d.%02d', (n * 7919) % 100000, n % 100) END,
             n % 977
      FROM seq`);
  } finally {
    db.close();
  }
}

/** Forty earlier runs of the coins, every tenth failed, so the sparkline and the charts have a history to draw. */
function seedHistory(path: string): void {
  const db = new Database(path);
  try {
    const insert = db.prepare(
      `INSERT INTO _siphon_runs (resource, "trigger", status, attempt, started_at, finished_at, pages, records, retries, waited_ms, error)
       VALUES ('market.coins', 'schedule', ?, 1, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const start = Date.now() - 41 * 600_000;
    for (let index = 0; index < 40; index += 1) {
      const failed = index % 10 === 7;
      const records = failed ? 20 : 50 + ((index * 7) % 11);
      const began = start + index * 600_000;
      const took = 1500 + ((index * 373) % 900) + (index % 6 === 0 ? 1200 : 0);
      insert.run(
        failed ? 'failed' : 'succeeded',
        new Date(began).toISOString(),
        new Date(began + took).toISOString(),
        Math.ceil(records / 10) + 1,
        records,
        index % 6 === 0 ? 2 : 0,
        index % 6 === 0 ? 1000 : 0,
        failed ? 'HTTP 503 Service Unavailable from GET /coins?page=3' : null,
      );
    }
  } finally {
    db.close();
  }
}

describe.skipIf(!HAVE_CHROMIUM)('the admin in a real browser', () => {
  let db: TestDatabase;
  let api: TestServer;
  let config: ResolvedConfig;
  let store: Store;
  let runNow: DirectRunNow;
  let server: AdminServer;
  let browser: Browser;
  let page: Page;
  let failedRun: number;

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    api = await startServer(async (_req, res, seen) => {
      if (seen.url.pathname === '/broken') {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end('{"detail":"the upstream database is down"}');
        return;
      }
      const number = Number(seen.url.searchParams.get('page') ?? 1);
      // Slow enough to watch the run move.
      await new Promise((done) => setTimeout(done, 250));
      const rows = number > 6 ? [] : Array.from({ length: 10 }, (_, i) => (number - 1) * 10 + i + 1);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        `[${rows.map((id) => `{"id":${id},"name":"coin ${id}","price":${(id * 37) % 1000}.5,"supply":${9007199254740993n + BigInt(id)},"listed":"2024-0${(id % 9) + 1}-15T10:00:00Z"}`).join(',')}]`,
      );
    });
    config = parseConfig({
      database: db.url,
      sources: {
        market: {
          baseUrl: api.url,
          retry: { retries: 1, base: '10ms', max: '20ms' },
          resources: {
            coins: {
              path: '/coins',
              params: { per_page: 10 },
              paginator: { type: 'pageNumber', pageParam: 'page', start: 1 },
              concurrency: 1,
              batchSize: 10,
              primaryKey: 'id',
              schedule: '*/10 * * * *',
              columns: { id: 'bigint', name: 'text', price: 'decimal(12,2)', supply: 'bigint', listed: 'timestamp' },
            },
            broken: { path: '/broken', paginator: 'single', primaryKey: 'id', columns: { id: 'bigint' }, schedule: '0 * * * *' },
            big: { path: '/big', primaryKey: 'id', columns: { id: 'bigint', name: 'text', price: 'decimal(12,2)', qty: 'integer' } },
          },
        },
      },
    });
    store = await openStore(db.url);
    await store.init();
    seedHistory(join(db.dir, 'test.db'));
    await syncResources({ config, store, only: ['market.coins', 'market.broken'] });
    failedRun = (await store.runs.page({ status: 'failed', resource: 'market.broken' })).runs[0]!.id;
    await store.ensureTable(config.resources.find((resource) => resource.name === 'big')!.table);
    fillBigTable(join(db.dir, 'test.db'));
    runNow = new DirectRunNow({ config, store });
    const app = createAdminApp({ config, store, token: ADMIN_TOKEN, runNow, livePollMs: 200 });
    server = await serveAdmin({ fetch: app.fetch, port: 0, tokenConfigured: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await runNow?.close();
    await store?.close();
    await api?.close();
    await db?.drop();
    if (!process.env.SIPHON_ADMIN_SCREENSHOTS) rmSync(SHOTS, { recursive: true, force: true });
  });

  it('answers 401 without the token, and logs in with it', async () => {
    const denied = await page.goto(`${server.url}/tables/big`);
    expect(denied?.status()).toBe(401);
    await expect(page.locator('form#login input[name=token]').count()).resolves.toBe(1);
    const api = await page.request.get(`${server.url}/api/v1/runs`);
    expect(api.status()).toBe(401);

    await page.fill('input[name=token]', ADMIN_TOKEN);
    await Promise.all([page.waitForURL(`${server.url}/tables/big`), page.click('form#login button')]);
    expect(await page.locator('table#rows tbody tr').count()).toBe(50);
  });

  it('shows the overview with the failed resource standing out', async () => {
    await page.goto(`${server.url}/`);
    await expect(page.locator('tr[data-resource="market.coins"] .badge').first().textContent()).resolves.toBe('succeeded');
    await expect(page.locator('tr.health-failed[data-resource="market.broken"]').count()).resolves.toBe(1);
    await expect(page.locator('tr[data-resource="market.big"] .badge').first().textContent()).resolves.toBe('never');
    await page.screenshot({ path: join(SHOTS, 'admin-overview.png'), fullPage: true });
  });

  it('runs a resource now and follows it live to the end', async () => {
    await Promise.all([page.waitForURL(/\/runs\/\d+$/), page.click('tr[data-resource="market.coins"] form.run-now button')]);
    const runId = Number(/\/runs\/(\d+)$/.exec(page.url())?.[1]);
    // Seen running, with figures moving, before it ends.
    await page.waitForSelector('#run[data-live] #run-status .badge-running', { timeout: 5_000 });
    // Polled from here: page.waitForFunction with a string needs eval, which the admin's CSP forbids.
    await expect.poll(async () => Number(await page.locator('#run-pages').textContent()), { timeout: 10_000 }).toBeGreaterThan(0);
    await page.waitForSelector('#run[data-status="succeeded"]:not([data-live])', { timeout: 20_000 });
    expect(await page.locator('#run-records').textContent()).toBe('60');
    expect(await page.locator('#timeline tr.event-page').count()).toBe(7);
    expect((await store.runs.get(runId))?.status).toBe('succeeded');
    await page.screenshot({ path: join(SHOTS, 'admin-run.png'), fullPage: true });
  });

  it("opens a failed run's detail with its error", async () => {
    await page.goto(`${server.url}/runs?status=failed`);
    await Promise.all([page.waitForURL(`${server.url}/runs/${failedRun}`), page.click(`a[href="/runs/${failedRun}"]`)]);
    const error = await page.locator('#run-error').textContent();
    expect(error).toContain('HttpStatusError');
    expect(error).toContain('HTTP 500');
    expect(error).toContain('the upstream database is down');
  });

  it('draws the charts of a resource', async () => {
    await page.goto(`${server.url}/charts?resource=market.coins`);
    await page.waitForSelector('.charts[data-drawn]');
    expect(await page.locator('.charts[data-drawn] canvas').count()).toBeGreaterThanOrEqual(2);
    // Requests by outcome: the live run's pages answered 200, one line per outcome.
    await page.waitForSelector('#chart-requests[data-drawn] canvas');
    expect(await page.locator('#chart-requests .u-legend .u-series').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining('200')]),
    );
    await page.screenshot({ path: join(SHOTS, 'admin-charts.png'), fullPage: true });
  });

  it('browses a million rows: sorts by a decimal column, searches, pages deep', async () => {
    const raw = new Database(join(db.dir, 'test.db'), { readonly: true });
    const sql = (text: string): string[] => (raw.prepare(text).pluck().all() as (string | null)[]).map(String);
    try {
      await page.goto(`${server.url}/tables/big`);
      const column = async (name: string) => {
        const index = await page
          .locator('table#rows thead tr:first-child th')
          .evaluateAll(
            (cells, wanted) => cells.findIndex((cell) => cell.querySelector('a.sort')?.getAttribute('data-column') === wanted),
            name,
          );
        return page.locator(`table#rows tbody tr td:nth-child(${index + 1})`).allTextContents();
      };
      expect((await column('id')).slice(0, 3)).toEqual(['1', '2', '3']);

      let started = Date.now();
      await Promise.all([page.waitForURL(/sort=price/), page.click('a.sort[data-column="price"]')]);
      const sortMs = Date.now() - started;
      expect(await column('price')).toEqual(sql('SELECT price FROM big ORDER BY price IS NULL, CAST(price AS REAL), id LIMIT 50'));
      await page.screenshot({ path: join(SHOTS, 'admin-data-browser.png'), fullPage: false });

      started = Date.now();
      await Promise.all([page.waitForURL(/last=1/), page.click('nav#pager a:has-text("last")')]);
      const deepMs = Date.now() - started;
      const tail = await column('price');
      // Nulls sort after every value.
      expect(tail.slice(-3)).toEqual(['null', 'null', 'null']);
      // The last 100 rows of the order, read backwards (an OFFSET of 999,900 would sort it all).
      const lastHundred = sql('SELECT id FROM big ORDER BY price IS NULL DESC, CAST(price AS REAL) DESC, id DESC LIMIT 100').reverse();
      expect(await column('id')).toEqual(lastHundred.slice(50));
      await Promise.all([page.waitForURL(/before=/), page.click('nav#pager a:has-text("previous")')]);
      expect(await column('id')).toEqual(lastHundred.slice(0, 50));

      await page.fill('input[name=q]', 'item 99999');
      await Promise.all([page.waitForURL(/q=item/), page.press('input[name=q]', 'Enter')]);
      const found = await column('name');
      expect(found.every((name) => name.includes('item 99999'))).toBe(true);
      expect(found).toHaveLength(11);
      console.info(
        `admin-e2e: 1,000,000 rows: sorted by price in ${sortMs} ms, its last page in ${deepMs} ms (page loads, browser included)`,
      );
    } finally {
      raw.close();
    }
  });

  it('downloads an XLSX of a table equal to the table', async () => {
    await page.goto(`${server.url}/tables/coins`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a.export-xlsx')]);
    const file = join(db.dir, 'coins.xlsx');
    await download.saveAs(file);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    const sheet = workbook.worksheets[0]!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual(['id', 'name', 'price', 'supply', 'listed']);
    const expected = await tableRows(store, 'coins');
    expect(sheet.rowCount).toBe(expected.length + 1);
    expected.forEach((row: Row, index) => {
      const cells = (sheet.getRow(index + 2).values as unknown[]).slice(1);
      expect(cells[0]).toBe(Number(row.id));
      expect(cells[1]).toBe(row.name);
      expect(cells[2]).toBe(Number(row.price));
      // Beyond 2^53: text with every digit.
      expect(cells[3]).toBe(String(row.supply));
      expect((cells[4] as Date).toISOString()).toBe(row.listed);
    });
  });

  it('gets 401 again without the token', async () => {
    const stranger = await browser.newContext();
    try {
      const response = await (await stranger.newPage()).goto(`${server.url}/runs/${failedRun}`);
      expect(response?.status()).toBe(401);
    } finally {
      await stranger.close();
    }
  });
});
