import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DemoApiServer, startDemoApi } from 'siphon-sync/demo-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';

// 0 success, 1 a run failed, 2 usage or config error, 130 interrupted (see sync-resume for the signal case).
let api: DemoApiServer;
let dir: string;

beforeAll(async () => {
  api = await startDemoApi({ seed: 1, size: { users: 3, posts: 3, comments: 3 } });
  dir = await mkdtemp(join(tmpdir(), 'siphon-exit-'));
});
afterAll(async () => {
  await api.close();
  await rm(dir, { recursive: true, force: true });
});

async function config(name: string, path: string): Promise<string> {
  const file = join(dir, `${name}.yaml`);
  await writeFile(
    file,
    `database: sqlite:./${name}.db\nsources:\n  demo:\n    baseUrl: ${api.url}\n    resources:\n      users: { path: ${path}, paginator: single, primaryKey: id, columns: { id: bigint, name: text } }\n`,
  );
  return file;
}

describe('siphon exit codes', () => {
  it('0 for --version, --help and a run that succeeded', async () => {
    expect((await runCli(['--version'])).code).toBe(0);
    expect((await runCli(['--help'])).code).toBe(0);
    const ok = await runCli(['run', '--config', await config('ok', '/users')]);
    expect(ok.code, ok.stderr).toBe(0);
  });

  it('1 when a run failed', async () => {
    const failed = await runCli(['run', '--config', await config('missing', '/nowhere')]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('HTTP 404');
  });

  it('2 for a usage error, a config that does not validate or a missing config file', async () => {
    const unknownCommand = await runCli(['sync']);
    expect(unknownCommand.code).toBe(2);
    expect(unknownCommand.stderr).toContain("unknown command 'sync'");
    expect((await runCli(['run', '--no-such-flag'])).code).toBe(2);
    const file = join(dir, 'bad.yaml');
    await writeFile(file, 'sources:\n  demo:\n    baseUrl: 42\n');
    const invalid = await runCli(['run', '--config', file]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('sources.demo');
    const absent = await runCli(['run', '--config', join(dir, 'absent.yaml')]);
    expect(absent.code).toBe(2);
    expect(absent.stderr).toContain('absent.yaml');
  });
});
