import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from 'siphon-sync/store';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tableRows } from './helpers/async.js';
import { spawnCli } from './helpers/cli.js';
import { freePort } from './setup/free-port.js';

// `siphon quickstart --port N`: the demo API on N, the example pointed at it,
// and its data in the current directory, not in the package's examples/.
const examples = fileURLToPath(new URL('../examples', import.meta.url));
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'siphon-quickstart-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

it('runs the example against the demo on the port given, into siphon.db in the current directory, logging the first run', async () => {
  const before = readdirSync(examples).sort();
  const port = await freePort();
  const child = spawnCli(['quickstart', '--port', String(port), '--no-admin'], {
    cwd: dir,
    env: { SIPHON_DATABASE: undefined, SIPHON_LOG_FORMAT: 'pretty' },
  });
  // The guide on stdout, the log on stderr.
  let out = '';
  let log = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "Synced" line within 45 s:\n${out}\n${log}`)), 45_000);
      child.stdout?.on('data', () => {
        if (out.includes('Synced ')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.on('close', () => reject(new Error(`quickstart ended early:\n${out}\n${log}`)));
    });
  } finally {
    child.kill('SIGINT');
  }
  const result = await child.result;
  expect(result.signal).toBeNull();
  expect(out).toContain(`demo API listening on http://127.0.0.1:${port}`);
  expect(log).toMatch(/^\S+Z coingecko\.coins: run \d+ started \(first run\)$/m);
  expect(out).toMatch(/Synced \d+ records into full_coin/);
  expect(out).toContain('SIPHON_DATABASE=sqlite:./siphon.db npx siphon export full_coin');
  expect(existsSync(join(dir, 'siphon.db'))).toBe(true);
  expect(readdirSync(examples).sort()).toEqual(before);
  const store = await openStore(`sqlite:${join(dir, 'siphon.db')}`);
  try {
    expect((await tableRows(store, 'full_coin')).length).toBeGreaterThan(0);
    const [run] = await store.runs.list({ resource: 'coingecko.coins' });
    expect(run?.status).toBe('succeeded');
  } finally {
    await store.close();
  }
}, 60_000);
