import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from 'siphon-sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { runCli } from './helpers/cli.js';

// `siphon init --openapi` on GitHub's published description (@octokit/openapi,
// not dereferenced): a large real-world input whose paths carry parameters no
// listed resource supplies, and whose pages are numbered and announced in Link.

const SPEC = createRequire(import.meta.url).resolve('@octokit/openapi/generated/api.github.com.json');
type Json = Record<string, unknown>;
const spec = JSON.parse(readFileSync(SPEC, 'utf8')) as Json;
const components = spec.components as { schemas: Record<string, Json>; parameters: Record<string, Json>; securitySchemes?: Json };

type Resource = {
  path: string;
  params?: Record<string, unknown>;
  paginator: unknown;
  records?: string;
  primaryKey?: string;
  columns?: Record<string, unknown>;
  responseActions?: unknown;
};
type Source = { baseUrl: string; auth?: unknown; resources: Record<string, Resource> };

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'siphon-github-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function generated(file: string): { name: string; source: Source } {
  const sources = (parseYaml(readFileSync(file, 'utf8')) as { sources: Record<string, Source> }).sources;
  const [name, source] = Object.entries(sources)[0] as [string, Source];
  expect(Object.keys(sources)).toHaveLength(1);
  return { name, source };
}

/** The variables a generated `.env.example` names, each set to `value`. */
function envOf(file: string, value: string): Record<string, string> {
  const names = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => /^[A-Z][A-Z0-9_]*=$/.test(line))
    .map((line) => line.slice(0, -1));
  return Object.fromEntries(names.map((name) => [name, value]));
}

/** The column type the README's mapping gives a plainly typed schema property; `undefined` for refs and unions. */
function plainColumnType(schema: Json): string | undefined {
  const type = Array.isArray(schema.type) ? schema.type.filter((t) => t !== 'null') : [schema.type];
  if (type.length !== 1) return undefined;
  switch (type[0]) {
    case 'integer':
      return schema.format === 'int32' ? 'integer' : 'bigint';
    case 'boolean':
      return 'boolean';
    case 'string':
      return schema.format === 'date-time' ? 'timestamp' : schema.format === 'decimal' ? 'decimal' : 'text';
    case 'object':
    case 'array':
      return 'json';
    default:
      return undefined;
  }
}

describe('siphon init --openapi on GitHub', () => {
  it('turns a handful of paths into a config that siphon check --offline accepts', async () => {
    const config = join(dir, 'github.yaml');
    const envFile = join(dir, 'github.env');
    const include = [
      '/repos/{owner}/{repo}/issues',
      '/repos/{owner}/{repo}/issues/{issue_number}/comments',
      '/repos/{owner}/{repo}/pulls',
      '/repos/{owner}/{repo}/import/large_files',
      '/orgs/{org}/repos',
      '/search/issues',
    ];
    const init = await runCli(
      ['init', '--openapi', SPEC, '-o', config, '--env-example', envFile, ...include.flatMap((p) => ['--include', p])],
      {
        cwd: dir,
      },
    );
    expect(init.code, init.stderr).toBe(0);
    const text = readFileSync(config, 'utf8');
    const { name, source } = generated(config);
    expect(name).toBe('github');
    expect(source.baseUrl).toBe((spec.servers as { url: string }[])[0]?.url);
    expect(Object.keys(source.resources).sort()).toEqual(
      ['orgs_repos', 'repos_import_large_files', 'repos_issues', 'repos_issues_comments', 'repos_pulls', 'search_issues'].sort(),
    );

    // GitHub numbers its pages by `page` and announces the next one in Link; per_page's maximum is stated only in prose.
    const issuesGet = (spec.paths as Record<string, { get: { responses: Record<string, { headers?: Json }> } }>)[
      '/repos/{owner}/{repo}/issues'
    ]?.get;
    expect(Object.keys(issuesGet?.responses['200']?.headers ?? {})).toContain('Link');
    expect(String(components.parameters['per-page']?.description)).toContain('max 100');
    const issues = source.resources.repos_issues as Resource;
    expect(issues.path).toBe('/repos/${env:GITHUB_OWNER}/${env:GITHUB_REPO}/issues');
    expect(issues.paginator).toBe('linkHeader');
    expect(issues.params).toEqual({ page: 1, per_page: 100 });
    expect(issues.primaryKey).toBe('id');
    // A 404 for a path the environment fills is a wrong owner or repo: it must fail, not be skipped.
    expect(issues.responseActions).toBeUndefined();
    expect(text).toMatch(/# the response documents a Link header: .*numbered by "page" from 1.*page size 100 in "per_page"/);
    expect(text).toMatch(/# \{owner\} comes from the environment \(GITHUB_OWNER\)/);

    // {issue_number} names the issues' `number`, not their `id`.
    const comments = source.resources.repos_issues_comments as Resource;
    expect(comments.path).toBe('/repos/${env:GITHUB_OWNER}/${env:GITHUB_REPO}/issues/{repos_issues.number}/comments');
    expect(comments.responseActions).toEqual([{ status: 404, action: 'ignore' }]);
    expect(source.resources.orgs_repos?.path).toBe('/orgs/${env:GITHUB_ORG}/repos');
    // Search has no Link header documented: page numbers, ended by a short page.
    expect(source.resources.search_issues?.paginator).toEqual({ type: 'pageNumber', pageParam: 'page', start: 1, sizeParam: 'per_page' });
    expect(source.resources.search_issues?.records).toBe('items');
    // `oid` is a system column in PostgreSQL.
    expect(source.resources.repos_import_large_files?.columns?.oid).toEqual({ name: 'oid_value', type: 'text' });

    // Columns typed from the issue schema: every plainly typed property as the README's mapping says.
    const properties = components.schemas.issue?.properties as Record<string, Json>;
    const plain = Object.entries(properties).flatMap(([field, schema]) => {
      const type = plainColumnType(schema);
      return type === undefined ? [] : [[field, type] as const];
    });
    expect(plain.length).toBeGreaterThan(20);
    for (const [field, type] of plain) expect(issues.columns?.[field], field).toBe(type);

    // GitHub declares no security scheme: no auth is made up, and the comment says to add one.
    expect(components.securitySchemes).toBeUndefined();
    expect(source.auth).toBeUndefined();
    expect(text).toContain('# the description declares no security for these endpoints');

    const env = envOf(envFile, 'octo');
    expect(Object.keys(env).sort()).toEqual(['GITHUB_ORG', 'GITHUB_OWNER', 'GITHUB_REPO']);

    const check = await runCli(['check', '--offline', '--config', config], { cwd: dir });
    expect(check.code, `${check.stdout}${check.stderr}`).toBe(0);
    expect(check.stdout).toContain('config OK (offline: nothing sent, no database opened): 6 resources');
    for (const variable of Object.keys(env)) expect(check.stdout).toContain(`note: \${env:${variable}} is not set`);
    expect(check.stdout).toContain(
      'GET https://api.github.com/repos/${env:GITHUB_OWNER}/${env:GITHUB_REPO}/issues?page=1&per_page=100 (not sent)',
    );
    expect(check.stdout).toContain('parent: github.repos_issues, one walk per row ({repos_issues.number} ← number');

    // Filled in, the placeholders make paths a run can walk, with nothing left to forgive.
    const loaded = await loadConfig({ file: config, env });
    expect(loaded.resources.find((resource) => resource.name === 'repos_issues')?.url).toBe(
      'https://api.github.com/repos/octo/octo/issues',
    );
  }, 90_000);

  it('turns the whole description into a valid config within the timeout', async () => {
    const config = join(dir, 'github-all.yaml');
    const envFile = join(dir, 'github-all.env');
    const init = await runCli(['init', '--openapi', SPEC, '-o', config, '--env-example', envFile], { cwd: dir, timeoutMs: 80_000 });
    expect(init.code, init.stderr).toBe(0);
    const { source } = generated(config);
    const gets = Object.values(spec.paths as Record<string, Json>).filter((item) => item.get !== undefined).length;
    const resources = Object.keys(source.resources).length;
    const skipped = readFileSync(config, 'utf8').match(/^# {3}GET /gm)?.length ?? 0;
    // Every GET endpoint is a resource or named in the header with why not.
    expect(resources + skipped).toBe(gets);
    expect(resources).toBeGreaterThan(gets / 3);

    const check = await runCli(['check', '--offline', '--json', '--config', config], { cwd: dir, timeoutMs: 80_000 });
    expect(check.code, check.stderr).toBe(0);
    expect((JSON.parse(check.stdout) as { ok: boolean; resources: unknown[] }).resources).toHaveLength(resources);
    // With every variable set, nothing is left to forgive.
    const loaded = await loadConfig({ file: config, env: envOf(envFile, 'x') });
    expect(loaded.resources).toHaveLength(resources);
  }, 180_000);
});
