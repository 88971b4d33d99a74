import { execFile } from 'node:child_process';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../src/cli/exit-code.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const tracer = fileURLToPath(new URL('./fixtures/trace-packages.mjs', import.meta.url));

const entries = [
  'siphon-sync',
  'siphon-sync/store',
  'siphon-sync/sync',
  'siphon-sync/runtime',
  'siphon-sync/distributed',
  'siphon-sync/export',
  'siphon-sync/demo-api',
  'siphon-sync/admin',
  'siphon-sync/metrics',
] as const;

/** Packages that open a database, a queue or a spreadsheet: the engine's users should not pay for them. */
const heavy = [
  'better-sqlite3',
  'pg',
  'pg-copy-streams',
  'kysely',
  'bullmq',
  'ioredis',
  'exceljs',
  'csv-stringify',
  'tsx',
  'esbuild',
  'cli-progress',
  'hono',
  '@hono/node-server',
  'prom-client',
  // The commands that log load it; `--version` and `--help` must not pay for it.
  'pino',
];

/** Every package a fresh process loads for `args` (ESM imports and CJS requires alike). */
async function packagesLoadedBy(args: readonly string[]): Promise<Set<string>> {
  const dir = await mkdtemp(join(tmpdir(), 'siphon-trace-'));
  const file = join(dir, 'loaded.txt');
  let trace: string;
  try {
    await run(process.execPath, ['--import', tracer, ...args], { cwd: root, env: { ...process.env, SIPHON_TRACE_FILE: file } });
    trace = await readFile(file, 'utf8');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const names = new Set<string>();
  for (const line of trace.split('\n')) {
    const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(line);
    if (match?.[1]) names.add(match[1]);
  }
  return names;
}

const importing = (entry: string): string[] => ['--input-type=module', '-e', `await import(${JSON.stringify(entry)})`];

/** `siphon …args` in `cwd`, failing or not. */
async function siphonIn(cwd: string, args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('npx', ['--no-install', 'siphon', ...args], { cwd });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout = '', stderr = '' } = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof code === 'number' ? code : -1, stdout, stderr };
  }
}

// `npm test` builds first (test/setup/build-dist.ts), so these check the package as users get it.
describe('the installed package', () => {
  // Through the bin file: `npx siphon` itself is tested in the tarball's project below (npx in this
  // checkout goes through npm's shared exec cache, which concurrent npx calls can trip over).
  it('the `siphon` bin lists the commands', async () => {
    const { stdout } = await run(process.execPath, [join(root, 'bin/siphon.js'), '--help'], { cwd: root });
    expect(stdout).toContain('Usage: siphon');
    expect(stdout).toContain('demo-api');
  });

  it("`import { paginate } from 'siphon-sync'` resolves through the package's exports", async () => {
    const script = "import { paginate, HttpClient } from 'siphon-sync'; console.log(typeof paginate, typeof HttpClient);";
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: root });
    expect(stdout.trim()).toBe('function function');
  });

  it('the root entry loads no database, queue or spreadsheet module', async () => {
    const loaded = await packagesLoadedBy(importing('siphon-sync'));
    expect(loaded).toContain('zod'); // the tracer sees packages at all
    expect(heavy.filter((name) => loaded.has(name))).toEqual([]);
    // The YAML parser loads with the first YAML config read, undici with the first request.
    expect(loaded.has('yaml')).toBe(false);
    expect(loaded.has('undici')).toBe(false);
  });

  it.each([
    ['siphon-sync/store', ['kysely'], ['better-sqlite3', 'pg', 'bullmq', 'ioredis', 'exceljs']],
    ['siphon-sync/sync', [], ['better-sqlite3', 'pg', 'bullmq', 'ioredis', 'exceljs']],
    ['siphon-sync/runtime', ['croner'], ['better-sqlite3', 'pg', 'bullmq', 'ioredis', 'exceljs']],
    ['siphon-sync/distributed', ['bullmq', 'ioredis'], ['better-sqlite3', 'pg', 'exceljs']],
    // Each writer loads with the first export in its format.
    ['siphon-sync/export', [], ['better-sqlite3', 'pg', 'bullmq', 'ioredis', 'kysely', 'exceljs', 'csv-stringify']],
    ['siphon-sync/demo-api', [], heavy],
    // The admin loads its web stack; the database driver, the queue and the spreadsheet writer load when used.
    ['siphon-sync/admin', ['hono', '@hono/node-server', 'zod'], ['better-sqlite3', 'pg', 'bullmq', 'ioredis', 'exceljs', 'prom-client']],
    ['siphon-sync/metrics', ['prom-client'], ['better-sqlite3', 'pg', 'bullmq', 'ioredis', 'exceljs']],
  ])('%s loads %j and none of %j', async (entry, expected, absent) => {
    const loaded = await packagesLoadedBy(importing(entry));
    for (const name of expected) expect(loaded).toContain(name);
    expect(absent.filter((name) => loaded.has(name))).toEqual([]);
  });

  it('`siphon --version` and `--help` load only the command line itself', async () => {
    for (const flag of ['--version', '--help']) {
      const loaded = await packagesLoadedBy([join(root, 'bin/siphon.js'), flag]);
      expect([...loaded].filter((name) => !['commander', 'lossless-json'].includes(name))).toEqual([]);
    }
  });

  it('a store opens only the driver its URL names', async () => {
    const script = "import { openStore } from 'siphon-sync/store'; const s = await openStore('sqlite::memory:'); await s.close();";
    const loaded = await packagesLoadedBy(['--input-type=module', '-e', script]);
    expect(loaded).toContain('better-sqlite3');
    expect(loaded).not.toContain('pg');
  });

  it('every entry the package exports has its declarations', async () => {
    const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
      exports: Record<string, string | { types: string; default: string }>;
    };
    const subpaths = Object.keys(manifest.exports).filter((key) => key !== './package.json');
    expect(subpaths.map((key) => (key === '.' ? 'siphon-sync' : `siphon-sync/${key.slice(2)}`)).sort()).toEqual([...entries].sort());
    for (const target of Object.values(manifest.exports)) {
      if (typeof target === 'string') continue;
      await expect(readFile(join(root, target.types), 'utf8')).resolves.toContain('export');
      await expect(readFile(join(root, target.default), 'utf8')).resolves.toContain('export');
    }
  });
});

describe('the packed tarball, installed into an empty project', () => {
  let project: string;

  beforeAll(async () => {
    project = await mkdtemp(join(tmpdir(), 'siphon-pack-'));
    const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', project], { cwd: root });
    const [packed] = JSON.parse(stdout) as { filename: string }[];
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    // Install scripts are skipped, as npm 12 skips those the project's allowScripts does not approve:
    // better-sqlite3 is left without its native module, and tsx (an optional peer) is not installed at all.
    await run('npm', ['install', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', `./${packed?.filename}`], {
      cwd: project,
    });
  }, 240_000);

  afterAll(async () => {
    if (project) await rm(project, { recursive: true, force: true });
  });

  it('`npx siphon --help` works there', async () => {
    const { stdout } = await run('npx', ['--no-install', 'siphon', '--help'], { cwd: project });
    expect(stdout).toContain('Usage: siphon');
  });

  it('a TypeScript config without tsx is one line naming the fix', async () => {
    await expect(access(join(project, 'node_modules/tsx'))).rejects.toThrow(/ENOENT/);
    await writeFile(
      join(project, 'siphon.config.ts'),
      "export default { sources: { api: { baseUrl: 'http://127.0.0.1:9', resources: { items: { path: '/items' } } } } };",
    );
    const { code, stderr } = await siphonIn(project, ['check', '-c', 'siphon.config.ts']);
    expect(code).toBe(ExitCode.usage);
    expect(stderr).toBe(
      'siphon: siphon.config.ts is TypeScript, which needs tsx, and tsx is not installed: npm install -D tsx (or use siphon.yaml)\n',
    );
  });

  it("a SQLite store without better-sqlite3's native module is one line naming the fix", async () => {
    await expect(access(join(project, 'node_modules/better-sqlite3/build'))).rejects.toThrow(/ENOENT/);
    await writeFile(
      join(project, 'siphon.yaml'),
      'database: sqlite:./siphon.db\nsources:\n  api:\n    baseUrl: http://127.0.0.1:9\n    resources:\n      items: { path: /items }\n',
    );
    const { code, stderr } = await siphonIn(project, ['run', '-c', 'siphon.yaml']);
    expect(code).toBe(ExitCode.usage);
    expect(stderr).toBe(
      'siphon: database: SQLite needs the native module of better-sqlite3, which is not built (its install script did not run): ' +
        'approve its install script (npm install-scripts approve better-sqlite3, or "allowScripts": { "better-sqlite3": true } in package.json), ' +
        'then run npm rebuild better-sqlite3\n',
    );
  });

  it('every subpath resolves and exports its API by name', async () => {
    const script = `for (const entry of ${JSON.stringify(entries)}) console.log(entry, Object.keys(await import(entry)).sort().join(','));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: project });
    const exported = new Map(
      stdout
        .trim()
        .split('\n')
        .map((line) => line.split(' ') as [string, string]),
    );
    expect([...exported.keys()]).toEqual([...entries]);
    expect(exported.get('siphon-sync')).toContain('paginate');
    expect(exported.get('siphon-sync')).toContain('loadConfig');
    expect(exported.get('siphon-sync/store')).toContain('openStore');
    expect(exported.get('siphon-sync/sync')).toContain('syncResources');
    expect(exported.get('siphon-sync/runtime')).toContain('EmbeddedRuntime');
    expect(exported.get('siphon-sync/distributed')).toContain('DistributedRuntime');
    expect(exported.get('siphon-sync/export')).toContain('exportRows');
    expect(exported.get('siphon-sync/demo-api')).toContain('startDemoApi');
    expect(exported.get('siphon-sync/admin')).toContain('createAdminApp');
    expect(exported.get('siphon-sync/admin')).toContain('serveAdmin');
    expect(exported.get('siphon-sync/metrics')).toContain('SiphonMetrics');
  });

  it('ships no source maps without their sources, and no tests', async () => {
    const { stdout } = await run('npm', ['pack', '--dry-run', '--ignore-scripts', '--json'], { cwd: root });
    const [report] = JSON.parse(stdout) as { files: { path: string }[] }[];
    const files = report?.files.map((file) => file.path) ?? [];
    expect(files.filter((path) => path.endsWith('.map'))).toEqual([]);
    expect(files.filter((path) => path.startsWith('test/') || path.startsWith('src/'))).toEqual([]);
    expect(files).toContain('dist/index.js');
  });
});
