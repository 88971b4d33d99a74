import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parseConfig } from 'siphon-sync';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONFIG_SCHEMA_FILE, configJsonSchemaText } from '../src/config/json-schema.js';

// siphon.schema.json: generated from the zod config schema, shipped in the package, and as strict as the loader where it can be.
const root = fileURLToPath(new URL('..', import.meta.url));

async function validator() {
  const schema = JSON.parse(await readFile(join(root, CONFIG_SCHEMA_FILE), 'utf8')) as object;
  // Union types (`string | number`) are what zod writes for durations and parameters.
  return new Ajv2020({ allErrors: true, allowUnionTypes: true }).compile(schema);
}

const valid = {
  // A JSON config names the schema for its editor; the loader ignores it.
  $schema: `./node_modules/siphon-sync/${CONFIG_SCHEMA_FILE}`,
  database: 'sqlite:./siphon.db',
  sources: {
    shop: {
      baseUrl: 'http://127.0.0.1:9000',
      auth: { type: 'token', token: '${env:DRF_TOKEN}' },
      rateLimit: { requests: 30, per: '60s' },
      retry: { retries: 5, backoff: 'exponential', base: '1s', max: '600s', statuses: [429, 503] },
      timeout: 30_000,
      resources: {
        items: { path: '/drf/items', paginator: { type: 'nextUrl', nextPath: 'next' }, records: 'results', primaryKey: 'id' },
        posts: {
          path: '/posts',
          paginator: 'single',
          write: 'replace',
          columns: { id: 'bigint', title: { name: 'heading', type: 'text' } },
        },
      },
    },
  },
  reports: { count: { sql: 'SELECT count(*) FROM items' } },
};

describe('siphon.schema.json', () => {
  it('is the schema the current sources generate (npm run build writes it)', async () => {
    expect(await readFile(join(root, CONFIG_SCHEMA_FILE), 'utf8')).toBe(configJsonSchemaText());
  });

  it('accepts every example config and a config the loader accepts', async () => {
    const validate = await validator();
    const examples = (await readdir(join(root, 'examples'))).filter((file) => file.endsWith('.yaml'));
    expect(examples.length).toBeGreaterThan(0);
    for (const file of examples) {
      const config: unknown = parse(await readFile(join(root, 'examples', file), 'utf8'));
      expect(validate(config), `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    expect(() => parseConfig(valid, { env: { DRF_TOKEN: 'demo-token' } })).not.toThrow();
    expect(validate(valid), JSON.stringify(validate.errors)).toBe(true);
  });

  it('rejects what the loader rejects: unknown keys, enum values, paginator and auth options, durations', async () => {
    const validate = await validator();
    const resource = (extra: object) => ({
      sources: { shop: { baseUrl: 'http://127.0.0.1:9000', resources: { items: { path: '/items', ...extra } } } },
    });
    const invalid = [
      resource({ write: 'Merge' }),
      resource({ primaryKy: 'id' }),
      resource({ paginator: 'pages' }),
      resource({ paginator: { type: 'offset', limt: 10 } }),
      {
        sources: {
          shop: { baseUrl: 'http://127.0.0.1:9000', auth: { type: 'bearer', tokn: 'x' }, resources: { items: { path: '/items' } } },
        },
      },
      { sources: { shop: { baseUrl: 'http://127.0.0.1:9000', timeout: 'soon', resources: { items: { path: '/items' } } } } },
      { sources: { shop: { baseUrl: 'http://127.0.0.1:9000', retry: { statuses: [42] }, resources: { items: { path: '/items' } } } } },
    ];
    for (const config of invalid) {
      expect(validate(config), JSON.stringify(config)).toBe(false);
      expect(() => parseConfig(config, { env: {} }), JSON.stringify(config)).toThrow();
    }
  });

  it('ships in the package with the LICENSE, and the README shows the line that gives editors completion', async () => {
    const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--ignore-scripts', '--json'], { cwd: root });
    const [packed] = JSON.parse(stdout) as { files: { path: string }[] }[];
    const files = packed?.files.map((file) => file.path) ?? [];
    expect(files).toContain(CONFIG_SCHEMA_FILE);
    expect(files).toContain('LICENSE');
    const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
      repository?: { url?: string };
      keywords?: string[];
    };
    expect(manifest.repository?.url).toMatch(/^git\+https:\/\//);
    expect(manifest.keywords).toContain('pagination');
    const readme = await readFile(join(root, 'README.md'), 'utf8');
    expect(readme).toContain(`# yaml-language-server: $schema=./node_modules/siphon-sync/${CONFIG_SCHEMA_FILE}`);
  });
});
