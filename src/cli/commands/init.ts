import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command } from 'commander';

/** Where the demo API listens in the examples (`npx siphon demo-api --port 9000`). */
const DEMO_ORIGIN = 'http://127.0.0.1:9000';

interface Flags {
  openapi?: string;
  include: string[];
  exclude: string[];
  output: string;
  envExample: string;
  force: boolean;
}

/** A file `siphon init` would overwrite without `--force`. */
export class InitOverwriteError extends Error {
  override readonly name = 'InitOverwriteError';
}

/** The description could not be read or parsed. */
export class OpenApiReadError extends Error {
  override readonly name = 'OpenApiReadError';
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** `siphon init`: a commented config (and `.env.example`) for the demo API or from an OpenAPI description. */
export function initCommand(): Command {
  return new Command('init')
    .description(
      "write a commented siphon.yaml and .env.example: for the demo API, or with --openapi generated from an API's OpenAPI 3.x or Swagger 2.0 description",
    )
    .option('--openapi <spec>', 'file path or http(s) URL of the description, JSON or YAML')
    .option(
      '--include <glob|tag>',
      'keep only endpoints whose path matches the glob (/users/**) or that carry the tag; repeatable',
      collect,
      [],
    )
    .option('--exclude <glob|tag>', 'leave out endpoints whose path matches the glob or that carry the tag; repeatable', collect, [])
    .option('-o, --output <file>', 'config file to write', 'siphon.yaml')
    .option('--env-example <file>', 'environment template to write', '.env.example')
    .option('--force', 'overwrite existing files', false)
    .action(async (flags: Flags) => {
      const { configFromOpenApi } = await import('../../init/openapi-config.js');
      let api: Record<string, unknown>;
      let specUrl: string | undefined;
      if (flags.openapi === undefined) {
        const { demoOpenApiDocument } = await import('../../demo-api/openapi-document.js');
        api = demoOpenApiDocument(DEMO_ORIGIN);
      } else {
        specUrl = /^https?:\/\//i.test(flags.openapi) ? flags.openapi : resolve(flags.openapi);
        api = await readDescription(specUrl);
      }
      const generated = configFromOpenApi(api, { include: flags.include, exclude: flags.exclude, specUrl });
      const files = [resolve(flags.output), resolve(flags.envExample)];
      const existing = files.filter((file) => existsSync(file));
      if (existing.length > 0 && !flags.force) {
        throw new InitOverwriteError(
          `${existing.join(' and ')} already exist${existing.length === 1 ? 's' : ''}; pass --force to overwrite`,
        );
      }
      const intro =
        flags.openapi === undefined
          ? '# For the bundled demo API: start it with `npx siphon demo-api --port 9000`, then `npx siphon run`.\n'
          : '';
      await writeFile(files[0] as string, intro + generated.yaml);
      await writeFile(files[1] as string, envTemplate(generated.env));
      process.stdout.write(
        `wrote ${flags.output} (${generated.resources.length} resources: ${generated.resources.join(', ')}) and ${flags.envExample}\n` +
          (generated.skipped.length > 0
            ? `${generated.skipped.length} GET endpoints were not generated; the config's header says why\n`
            : ''),
      );
    });
}

function envTemplate(env: readonly { name: string; description: string }[]): string {
  const lines = ['# Copy to .env (never commit it) or export these before `siphon run`.', '# SIPHON_DATABASE=postgres://user@host:5432/db'];
  if (env.some((entry) => entry.name === 'DRF_TOKEN')) lines.push('# The demo API accepts demo-token.');
  for (const entry of env) lines.push(`# ${entry.description}`, `${entry.name}=`);
  return `${lines.join('\n')}\n`;
}

/**
 * Reads, parses and dereferences the description. A URL is fetched here (the
 * parser would not follow it); the parser is loaded only in this command, it is large.
 */
async function readDescription(spec: string): Promise<Record<string, unknown>> {
  const remote = /^https?:/i.test(spec);
  const where = remote ? redact(spec) : spec;
  let text: string;
  try {
    if (remote) {
      const response = await fetch(spec, { headers: { accept: 'application/json, application/yaml;q=0.9, */*;q=0.5' } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      text = await response.text();
    } else {
      text = await readFile(spec, 'utf8');
    }
  } catch (error) {
    throw new OpenApiReadError(
      `cannot read the OpenAPI description at ${where}: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  }
  const { parse } = await import('yaml');
  const { dereference } = await import('@readme/openapi-parser');
  try {
    // JSON is YAML too, but JSON.parse reads a large description (GitHub's is 13 MB) an order of magnitude faster.
    const document: unknown = /^\s*[{[]/.test(text) ? JSON.parse(text) : parse(text);
    return (await dereference(document as Parameters<typeof dereference>[0])) as unknown as Record<string, unknown>;
  } catch (error) {
    throw new OpenApiReadError(
      `cannot parse the OpenAPI description at ${where}: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  }
}

/** The URL without credentials or query, which may hold a key. */
function redact(spec: string): string {
  const url = new URL(spec);
  return `${url.origin}${url.pathname}`;
}
