import { access, readFile, stat } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../errors/config-error.js';
import { type ConfigIssue, ConfigValidationError } from '../errors/config-validation-error.js';
import { CONFIG_FILE_NAMES } from './defaults.js';
import type { ConfigEnv } from './env.js';
import { jsonErrorOffset } from './json-error-offset.js';
import { loadTsImport } from './load-ts-import.js';
import type { ParsedYaml } from './locate-in-yaml.js';
import { parseConfigIn } from './parse-config.js';
import type { ResolvedConfig } from './types.js';

export interface LoadConfigOptions {
  /**
   * The config file, relative to `cwd`.
   * @default the first of siphon.yaml, siphon.yml, siphon.json, siphon.config.ts, siphon.config.js, siphon.config.mjs in `cwd`
   */
  file?: string | undefined;
  /** @default process.cwd() */
  cwd?: string | undefined;
  /**
   * Variables for `${env:NAME}` and `SIPHON_DATABASE`.
   * @default process.env
   */
  env?: ConfigEnv | undefined;
  /**
   * `'keep'` lets a `${env:NAME}` whose variable is not set stay as text
   * (anywhere but `database`), for programs that send no requests.
   * @default 'error'
   */
  missingEnv?: 'error' | 'keep' | undefined;
}

const YAML_EXTENSIONS = new Set(['.yaml', '.yml']);
const MODULE_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs']);
const TYPESCRIPT_EXTENSIONS = new Set(['.ts', '.mts', '.cts']);

/**
 * Reads, validates and resolves the config file. YAML and JSON problems
 * point at `file:line:col`; a `.ts`/`.js`/`.mjs` file exports the config as
 * its default export (or a function, possibly async, returning it).
 * Relative SQLite paths in `database` resolve against the file's directory.
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<ResolvedConfig> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const file = await locateConfigFile(options);
  const shown = isAbsolute(relative(cwd, file)) || relative(cwd, file).startsWith('..') ? file : relative(cwd, file);
  const extension = extname(file).toLowerCase();
  const context = { env: options.env, cwd, file, displayFile: shown, missingEnv: options.missingEnv };

  if (MODULE_EXTENSIONS.has(extension)) return parseConfigIn(await importConfig(file, shown, extension), context);
  if (extension !== '.json' && !YAML_EXTENSIONS.has(extension)) {
    throw new ConfigError('', `${shown}: unsupported config file type "${extension}"; use .yaml, .yml, .json, .ts, .js or .mjs`);
  }
  const text = await readFile(file, 'utf8');
  // The YAML parser loads with the first config file it reads, not with the package's root entry.
  const { parseYaml, yamlLocator } = await import('./locate-in-yaml.js');
  const parsed = parseYaml(text);
  const input = extension === '.json' ? parseJson(text, parsed, shown) : yamlValue(parsed, shown);
  return parseConfigIn(input, { ...context, locate: yamlLocator(parsed, shown) });
}

/**
 * The absolute path of the config file `loadConfig` would read: `file`
 * resolved against `cwd`, or the first default name found there. A `ConfigError` when there is none.
 */
export async function locateConfigFile(options: Pick<LoadConfigOptions, 'file' | 'cwd'> = {}): Promise<string> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const { file } = options;
  if (file !== undefined) {
    const path = resolve(cwd, file);
    const found = await stat(path).catch(() => undefined);
    if (found === undefined) throw new ConfigError('', `config file ${path} does not exist`);
    if (!found.isFile()) throw new ConfigError('', `config file ${path} is not a file`);
    return path;
  }
  for (const name of CONFIG_FILE_NAMES) {
    const path = resolve(cwd, name);
    if (
      await access(path).then(
        () => true,
        () => false,
      )
    )
      return path;
  }
  throw new ConfigError('', `no config file in ${cwd}: looked for ${CONFIG_FILE_NAMES.join(', ')}; create one or name it explicitly`);
}

function yamlValue(parsed: ParsedYaml, file: string): unknown {
  const { document } = parsed;
  if (document.errors.length > 0) {
    throw new ConfigValidationError(
      document.errors.map((error): ConfigIssue => {
        // The pretty message repeats the position and adds a code frame; keep the frame, drop the repeat.
        const [first = '', ...frame] = error.message.split('\n');
        const message = [first.replace(/ at line \d+, column \d+:?$/, ''), ...frame.filter((line) => line.trim() !== '')].join('\n    ');
        const at = error.linePos?.[0];
        return { path: '', message: at === undefined ? `${file}: ${message}` : `${file}:${at.line}:${at.col}: ${message}` };
      }),
      file,
    );
  }
  return document.toJS({ maxAliasCount: 100 });
}

function parseJson(text: string, parsed: ParsedYaml, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const offset = jsonErrorOffset(text);
    const at = offset === undefined ? undefined : parsed.lineCounter.linePos(offset);
    const where = at === undefined ? file : `${file}:${at.line}:${at.col}`;
    // V8 quotes the text around the error; the position says more and leaks nothing.
    const reason = (error as Error).message.replace(/^(Unexpected token '[^']*'), ".*" is not valid JSON$/s, '$1');
    throw new ConfigValidationError([{ path: '', message: `${where}: invalid JSON: ${reason}` }], file);
  }
}

async function importConfig(file: string, shown: string, extension: string): Promise<unknown> {
  // Outside the try below: a missing tsx is its own error, not the config's.
  const tsImport = TYPESCRIPT_EXTENSIONS.has(extension) ? await loadTsImport(shown) : undefined;
  let module: unknown;
  try {
    if (tsImport) {
      module = await tsImport(pathToFileURL(file).href, import.meta.url);
    } else {
      // The mtime in the URL lets a long-running process see an edited file.
      const { mtimeMs } = await stat(file);
      module = await import(`${pathToFileURL(file).href}?mtime=${mtimeMs}`);
    }
  } catch (error) {
    throw new ConfigError('', `cannot load ${shown}: ${(error as Error).message}`, { cause: error });
  }
  let value = defaultExport(module);
  if (typeof value === 'function') {
    try {
      value = await (value as () => unknown)();
    } catch (error) {
      throw new ConfigError('', `the config function exported by ${shown} failed: ${(error as Error).message}`, { cause: error });
    }
  }
  if (value === undefined) throw new ConfigError('', `${shown} has no default export; export default defineConfig({ … })`);
  return value;
}

// A TypeScript file outside an ESM package is compiled to CommonJS, which
// wraps the default export once more (`{ default: { default: config } }`).
function defaultExport(module: unknown): unknown {
  let value = (module as { default?: unknown }).default;
  for (let depth = 0; depth < 2 && isModuleWrapper(value); depth += 1) value = (value as { default: unknown }).default;
  return value;
}

function isModuleWrapper(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || !('default' in value)) return false;
  const keys = Object.keys(value).filter((key) => key !== '__esModule' && key !== 'default');
  return keys.length === 0;
}
