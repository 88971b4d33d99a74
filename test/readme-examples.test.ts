import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { demoAccounts, demoDataset } from 'siphon-sync/demo-api';
import { openStore } from 'siphon-sync/store';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { tableRows } from './helpers/async.js';
import { runCli, spawnCli } from './helpers/cli.js';
import { freePort } from './setup/free-port.js';

// The README's examples run as a reader would run them: copied out of
// README.md verbatim and run against `siphon demo-api`.
//
// Convention: a fenced block meant to run is preceded, on the line above its
// opening fence, by an HTML comment `<!-- readme-example: FILE -->` (invisible
// on GitHub); FILE is the name the block is saved under. The one change made
// to a block is the demo's documented address, 127.0.0.1:9000, which becomes
// the free port this test started `siphon demo-api` on — what a reader does
// who runs the demo on another port.

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const DEMO_ADDRESS = '127.0.0.1:9000';
const dataset = demoDataset({ seed: 1 });

/** Every marked block of the README, by the file name its marker gives. */
function readmeExamples(text: string): Map<string, string> {
  const blocks = new Map<string, string>();
  const marked = /^<!-- readme-example: (\S+) -->\n```[^\n]*\n([\s\S]*?)^```$/gm;
  for (const match of text.matchAll(marked)) blocks.set(match[1] as string, match[2] as string);
  return blocks;
}

const examples = readmeExamples(README);
let port: number;
let demo: ReturnType<typeof spawnCli>;
let dir: string;

function example(name: string): string {
  const text = examples.get(name);
  if (text === undefined) throw new Error(`README.md has no block marked <!-- readme-example: ${name} -->`);
  return text.replaceAll(DEMO_ADDRESS, `127.0.0.1:${port}`);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'siphon-readme-'));
  port = await freePort();
  demo = spawnCli(['demo-api', '--port', String(port)]);
  let out = '';
  await new Promise<void>((resolve, reject) => {
    demo.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('listening on')) resolve();
    });
    demo.on('close', () => reject(new Error(`siphon demo-api ended: ${out}`)));
  });
});
afterAll(async () => {
  demo.kill('SIGINT');
  await demo.result;
  rmSync(dir, { recursive: true, force: true });
});

describe('README examples', () => {
  it('marks the examples this test runs', () => {
    expect([...examples.keys()].sort()).toEqual(['graphql.yaml', 'incremental.yaml', 'reach.yaml', 'siphon.yaml', 'walk.ts']);
  });

  it('"Declare a sync": siphon.yaml checks, runs, reports and exports as written', async () => {
    writeFileSync(join(dir, 'siphon.yaml'), example('siphon.yaml'));
    // The commands the README shows after it, in the folder of the config.
    const env = { SIPHON_DATABASE: undefined };
    const check = await runCli(['check'], { cwd: dir, env });
    expect(check.code, `${check.stdout}${check.stderr}`).toBe(0);
    expect(check.stdout).toContain('report engagement: OK');
    const run = await runCli(['run'], { cwd: dir, env, timeoutMs: 90_000 });
    expect(run.code, `${run.stdout}${run.stderr}`).toBe(0);
    expect(`${run.stdout}${run.stderr}`).toContain(`${dataset.coins.length} records`);
    const report = await runCli(['report', 'engagement', '--format', 'json'], { cwd: dir, env });
    expect(report.code, report.stderr).toBe(0);
    const rows = JSON.parse(report.stdout) as Record<string, unknown>[];
    expect(rows.length).toBeGreaterThan(0);
    const exported = await runCli(['export', 'full_coin', '-o', 'coins.xlsx'], { cwd: dir, env });
    expect(exported.code, exported.stderr).toBe(0);
    expect(existsSync(join(dir, 'coins.xlsx'))).toBe(true);
  }, 120_000);

  it('"Search APIs, deleted children and record shaping": reach.yaml runs as written', async () => {
    writeFileSync(join(dir, 'reach.yaml'), example('reach.yaml'));
    const env = { SIPHON_DATABASE: undefined };
    const check = await runCli(['check', '-c', 'reach.yaml'], { cwd: dir, env });
    expect(check.code, `${check.stdout}${check.stderr}`).toBe(0);
    const run = await runCli(['run', '-c', 'reach.yaml'], { cwd: dir, env, timeoutMs: 90_000 });
    expect(run.code, `${run.stdout}${run.stderr}`).toBe(0);
    const accounts = demoAccounts(dataset.users);
    const closed = accounts.filter((account) => account.status === 'closed');
    expect(`${run.stdout}${run.stderr}`).toContain(`${closed.length} responses ignored by responseActions (status 404: ${closed.length})`);
    const store = await openStore(`sqlite:${join(dir, 'reach.db')}`);
    try {
      const big = dataset.cursorEvents.filter((event) => ['order.created', 'order.refunded'].includes(event.type) && event.amount >= 1000);
      const orders = await tableRows(store, 'big_orders');
      expect(orders.map((row) => Number(row.id))).toEqual(big.map((event) => event.id));
      expect(orders.map((row) => String(row.amount))).toEqual(big.map((event) => event.amount.toFixed(2)));
      expect(orders.every((row) => row.source === 'demo' && !('payload' in row))).toBe(true);
      const posts = await tableRows(store, 'account_posts');
      const live = dataset.posts.filter((post) => !closed.some((account) => account.id === post.userId));
      expect(posts.map((row) => Number(row.id)).sort((a, b) => a - b)).toEqual(live.map((post) => post.id));
      for (const row of posts) expect(row.accounts_username).toBe(accounts.find((a) => a.id === Number(row.accounts_id))?.username);
    } finally {
      await store.close();
    }
  }, 120_000);

  it('"GraphQL": graphql.yaml runs as written', async () => {
    writeFileSync(join(dir, 'graphql.yaml'), example('graphql.yaml'));
    const env = { SIPHON_DATABASE: undefined };
    const check = await runCli(['check', '-c', 'graphql.yaml'], { cwd: dir, env });
    expect(check.code, `${check.stdout}${check.stderr}`).toBe(0);
    const run = await runCli(['run', '-c', 'graphql.yaml'], { cwd: dir, env, timeoutMs: 90_000 });
    expect(run.code, `${run.stdout}${run.stderr}`).toBe(0);
    const store = await openStore(`sqlite:${join(dir, 'graphql.db')}`);
    try {
      const rows = await tableRows(store, 'gql_events');
      expect(rows.map((row) => Number(row.id))).toEqual(dataset.cursorEvents.map((event) => event.id));
      expect(rows.map((row) => String(row.amount))).toEqual(dataset.cursorEvents.map((event) => event.amount.toFixed(2)));
      const [latest] = await store.runs.list({ resource: 'demo.gql_events', limit: 1 });
      expect(latest?.pages).toBe(Math.ceil(dataset.cursorEvents.length / 100));
    } finally {
      await store.close();
    }
  }, 120_000);

  it('"Incremental windows and lookback": incremental.yaml runs as written, and again from the mark minus lookback', async () => {
    writeFileSync(join(dir, 'incremental.yaml'), example('incremental.yaml'));
    const env = { SIPHON_DATABASE: undefined };
    const run = await runCli(['run', '-c', 'incremental.yaml'], { cwd: dir, env, timeoutMs: 90_000 });
    expect(run.code, `${run.stdout}${run.stderr}`).toBe(0);
    expect(`${run.stdout}${run.stderr}`).toContain('asking from 2023-03-15T00:00:00Z to 2023-03-21T00:00:00.000Z');
    const again = await runCli(['run', '-c', 'incremental.yaml'], { cwd: dir, env, timeoutMs: 90_000 });
    expect(again.code, `${again.stdout}${again.stderr}`).toBe(0);
    const store = await openStore(`sqlite:${join(dir, 'incremental.db')}`);
    try {
      const rows = await tableRows(store, 'changes');
      expect(rows.map((row) => Number(row.id)).sort((a, b) => a - b)).toEqual(dataset.cursorEvents.map((event) => event.id));
      const mark = dataset.cursorEvents.at(-1)?.occurred_at ?? '';
      expect((await store.runs.state('demo.changes'))?.highWaterMark).toBe(mark);
      const from = new Date(Date.parse(mark) - 3_600_000).toISOString();
      expect(`${again.stdout}${again.stderr}`).toContain(`asking from ${from} to 2023-03-21T00:00:00.000Z`);
    } finally {
      await store.close();
    }
  }, 120_000);

  it('"Walk an API from code" runs as written', async () => {
    const file = join(dir, 'walk.ts');
    writeFileSync(file, example('walk.ts'));
    const lines: unknown[][] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args));
    try {
      await import(pathToFileURL(file).href);
    } finally {
      log.mockRestore();
    }
    // A line per page of coins (index, records, token), then one per post.
    const pages = lines.filter((line) => typeof line[0] === 'number');
    expect(pages.map((line) => line[0])).toEqual([...pages.keys()]);
    expect(pages.reduce((sum, line) => sum + (line[1] as number), 0)).toBe(dataset.coins.length);
    const posts = lines.slice(pages.length).map((line) => (line[0] as { id: number }).id);
    expect(posts).toEqual(dataset.posts.map((post) => post.id));
  });
});
