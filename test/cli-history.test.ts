import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { type DemoApiServer, startDemoApi } from 'siphon-sync/demo-api';
import { openStore, type Store } from 'siphon-sync/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { createTestDatabase, dialects, type TestDatabase } from './helpers/databases.js';

// `siphon runs`, `runs show` and `state show|reset` through the real CLI, on both databases. A test starts
// several siphon processes, each a second or more on a loaded machine: hence the longer timeouts.
const SECRET = 'k3y-from-the-environment';

let api: DemoApiServer;
let closedPort: number;

beforeAll(async () => {
  api = await startDemoApi({ seed: 1, size: { users: 3, posts: 30, comments: 3 } });
  // A port nothing listens on: the run fails with a NetworkError whose cause is the refused connection.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
});
afterAll(async () => {
  await api.close();
});

interface RunJson {
  id: number;
  resource: string;
  status: string;
  records: number;
  checkpoint: unknown;
  durationMs: number | null;
  errorChain?: { name: string; message: string }[] | null;
}

describe.each(dialects)('siphon runs and state on %s', (dialect) => {
  let db: TestDatabase;
  let config: string;
  let store: Store;
  let interrupted: number;
  // Read commands need no API secret: only `run` gets it.
  const cli = (args: string[], env: Record<string, string | undefined> = {}) => runCli([...args, '--config', config], { env });

  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    config = join(db.dir, 'siphon.yaml');
    await writeFile(
      config,
      [
        `database: ${JSON.stringify(db.url)}`,
        'sources:',
        '  shop:',
        `    baseUrl: ${api.url}`,
        '    headers: { X-Key: "${env:SHOP_KEY}" }',
        '    resources:',
        '      posts:',
        '        path: /posts',
        '        paginator: { type: offset, offsetParam: _start, limitParam: _limit, limit: 10 }',
        '        primaryKey: id',
        '        incremental: { cursorField: id, param: since }',
        '      missing: { path: /nowhere, paginator: single }',
        '  down:',
        `    baseUrl: http://127.0.0.1:${closedPort}`,
        '    retry: { retries: 0 }',
        '    resources:',
        '      items: { path: /items, paginator: single }',
        '',
      ].join('\n'),
    );
    const run = await cli(['run'], { SHOP_KEY: SECRET });
    expect(run.code, run.stderr).toBe(1);
    store = await openStore(db.url);
    // An interrupted run whose checkpoint holds the secret, as a next-page URL would.
    // It widened a column on the way, as inference does when 1.5 follows 1.
    const started = await store.runs.start({ resource: 'shop.posts', trigger: 'manual' });
    await store.ensureTable({ name: 'wide', columns: [{ name: 'price', type: { kind: 'bigint' } }], primaryKey: [] });
    const decimal = { kind: 'decimal', precision: 0, scale: 0 } as const;
    await store.writeBatch({
      runId: started.id,
      table: { name: 'wide', columns: [{ name: 'price', type: decimal }], primaryKey: [] },
      mode: 'append',
      rows: [{ price: '1.5' }],
      evolve: { widen: [{ table: 'wide', column: 'price', from: { kind: 'bigint' }, to: decimal }] },
      checkpoint: { url: `${api.url}/posts?_start=10&key=${SECRET}` },
      pages: 1,
      records: 10,
      retries: 0,
      waitedMs: 0,
    });
    interrupted = (await store.runs.fail(started.id, 'interrupted by SIGTERM', 'interrupted')).id;
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it('lists runs as JSON, filtered by status and resource, newest first, with --limit', async () => {
    const [all, failed, posts] = await Promise.all([
      cli(['runs', '--json']),
      cli(['runs', '--status', 'FAILED', '--json']),
      cli(['runs', '--resource', 'shop.posts', '--limit', '1', '--json']),
    ]);
    expect(all.code, all.stderr).toBe(0);
    const runs = JSON.parse(all.stdout) as RunJson[];
    expect(runs.map((run) => run.resource)).toEqual(['shop.posts', 'down.items', 'shop.missing', 'shop.posts']);
    expect(runs.map((run) => run.status)).toEqual(['interrupted', 'failed', 'failed', 'succeeded']);
    expect(runs[3]?.records).toBe(30);
    expect(runs[3]?.durationMs).toBeGreaterThanOrEqual(0);
    expect((JSON.parse(failed.stdout) as RunJson[]).map((run) => run.resource)).toEqual(['down.items', 'shop.missing']);
    expect((JSON.parse(posts.stdout) as RunJson[]).map((run) => run.id)).toEqual([interrupted]);
    // The checkpoint is masked as the admin masks it: the secret never reaches the output.
    expect(all.stdout).not.toContain(SECRET);
  }, 90_000);

  it('runs show prints the error with its cause chain, counters and the masked checkpoint', async () => {
    const [down] = await store.runs.list({ resource: 'down.items' });
    const [text, json, masked] = await Promise.all([
      cli(['runs', 'show', String(down?.id)]),
      cli(['runs', 'show', String(down?.id), '--json']),
      cli(['runs', 'show', String(interrupted)], { SHOP_KEY: SECRET }),
    ]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`run ${down?.id}: down.items failed`);
    expect(text.stdout).toMatch(/NetworkError: .*127\.0\.0\.1/);
    expect(text.stdout).toMatch(/caused by .*ECONNREFUSED/);
    expect(text.stdout).toMatch(/records:\s+0/);
    const detail = JSON.parse(json.stdout) as RunJson;
    expect(detail.errorChain?.length).toBeGreaterThanOrEqual(2);
    expect(detail.errorChain?.[0]?.name).toBe('NetworkError');

    expect(masked.code, masked.stderr).toBe(0);
    expect(masked.stdout).toMatch(/status|interrupted/);
    expect(masked.stdout).toMatch(/records:\s+10/);
    expect(masked.stdout).toContain('_start=10');
    expect(masked.stdout).toMatch(/widened:\s+wide\.price bigint → decimal/);
    expect(masked.stdout).not.toContain(SECRET);
  }, 90_000);

  // Commander and the config decide these, whatever the database.
  it.runIf(dialect === 'sqlite')(
    'runs show of a run that is not there, or a status that is none, is a usage error with a hint',
    async () => {
      const [absent, status, resource] = await Promise.all([
        cli(['runs', 'show', '999999']),
        cli(['runs', '--status', 'faild']),
        cli(['runs', '--resource', 'shop.Post']),
      ]);
      expect(absent.code).toBe(2);
      expect(absent.stderr).toContain('no run with id 999999');
      expect(status.code).toBe(2);
      expect(status.stderr).toContain('did you mean "failed"?');
      expect(resource.code).toBe(2);
      expect(resource.stderr).toContain('did you mean "shop.posts"?');
    },
  );

  it('state show gives the high-water mark and the checkpoint a run would resume; reset clears both, never under a live lease', async () => {
    const before = await cli(['state', 'show', 'shop.posts', '--json']);
    expect(before.code, before.stderr).toBe(0);
    const [view] = JSON.parse(before.stdout) as { highWaterMark: string | null; resumes: { runId: number; checkpoint: unknown } | null }[];
    expect(view?.highWaterMark).toBe('30');
    expect(view?.resumes?.runId).toBe(interrupted);
    expect(JSON.stringify(view?.resumes?.checkpoint)).toContain('_start=10');
    expect(before.stdout).not.toContain(SECRET);

    // A run elsewhere holds the lease: the reset is refused (exit 1, the same command works later), nothing changes.
    expect(await store.leases.acquire('shop.posts', 'another-host:4242:abcdef', 60_000)).toBe(true);
    const refused = await cli(['state', 'reset', 'shop.posts']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('another-host:4242:abcdef');
    expect((await store.runs.state('shop.posts'))?.highWaterMark).toBe('30');
    await store.leases.release('shop.posts', 'another-host:4242:abcdef');

    const reset = await cli(['state', 'reset', 'shop.posts']);
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stdout).toContain('high-water mark 30');
    expect(reset.stdout).toContain(`run ${interrupted}`);
    expect((await store.runs.state('shop.posts'))?.highWaterMark).toBeNull();
    expect(await store.runs.findResumable('shop.posts')).toBeUndefined();
    // The reset took the lease and gave it back.
    expect(await store.leases.holder('shop.posts')).toBeUndefined();

    const missingArgument = await cli(['state', 'reset']);
    expect(missingArgument.code).toBe(2);
  }, 90_000);
});
