import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';

// Enum values and resource ids that are near misses, case included, get a hint naming the right one.
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'siphon-hints-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('did-you-mean hints', () => {
  it('for write modes, undeclared, paginator and auth types, auth choices and column types in the config', async () => {
    const file = join(dir, 'typos.yaml');
    await writeFile(
      file,
      [
        'sources:',
        '  shop:',
        '    baseUrl: http://127.0.0.1:9',
        '    auth: { type: apiKey, in: Header, name: x-key, value: abcd }',
        '    crossOrigin: Refuse',
        '    resources:',
        '      posts:',
        '        path: /posts',
        '        paginator: { type: PageNumber }',
        '        write: Merge',
        '        undeclared: evolv',
        '        primaryKey: id',
        '        columns: { id: bigintt }',
        '  other:',
        '    baseUrl: http://127.0.0.1:9',
        '    auth: { type: Bearer, token: abcd }',
        '    resources:',
        '      items: { path: /items }',
        '',
      ].join('\n'),
    );
    const result = await runCli(['run', '--config', file]);
    expect(result.code).toBe(2);
    for (const hint of ['"header"', '"merge"', '"evolve"', '"refuse"', '"bigint"', '"pageNumber"', '"bearer"']) {
      expect(result.stderr).toContain(`did you mean ${hint}?`);
    }
  });

  it('for resource ids on the command line', async () => {
    const file = join(dir, 'ok.yaml');
    await writeFile(file, 'sources:\n  shop:\n    baseUrl: http://127.0.0.1:9\n    resources:\n      posts: { path: /posts }\n');
    const result = await runCli(['run', 'shop.Posts', '--config', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown resource "shop.Posts" (did you mean "shop.posts"?)');
  });
});
