import type * as z from 'zod';
import { describeValue } from '../util/describe-value.js';
import { joinPath } from '../util/option-path.js';
import { isPlainObject } from './env.js';
import { IssueList } from './issue-list.js';
import { type ConfigShell, configShellSchema, resourceSchema, type SourceShell, sourceShellSchema } from './schema.js';
import type { ResourceConfig } from './types.js';
import { parseWith } from './zod-issues.js';

/**
 * One level of the config after its own checks. When some of its keys have
 * problems, `config` is salvaged without them (required ones replaced by a
 * stand-in) and `broken` names them: checks that involve other keys still
 * run, checks that depend on a broken key are skipped rather than guessed.
 */
export interface Validated<T> {
  /** `undefined` only when the level is not a mapping at all. */
  readonly config: T | undefined;
  readonly broken: ReadonlySet<string>;
}

export interface ValidatedResource extends Validated<ResourceConfig> {
  readonly name: string;
  /** Config path, `sources.shop.resources.posts`. */
  readonly path: string;
}

export interface ValidatedSource extends Validated<SourceShell> {
  readonly name: string;
  readonly path: string;
  readonly resources: readonly ValidatedResource[];
}

export interface ValidatedInput extends Validated<ConfigShell> {
  readonly sources: readonly ValidatedSource[];
}

// Source and resource names appear in ids (`shop.posts`), in `{posts.id}`
// placeholders and, by default, as table names: keep them plain.
const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

// Stand-ins for required keys with problems; never part of a resolved config.
const RESOURCE_STAND_INS = { path: '/' };
const SOURCE_STAND_INS = { baseUrl: 'http://broken.invalid', resources: { broken: {} } };
const TOP_STAND_INS = { sources: { broken: {} } };

/**
 * Checks the top level, then each source, then each resource on its own, so
 * that one run reports the problems of every part of the config.
 */
export function validateInput(input: unknown, issues: IssueList): ValidatedInput {
  if (!isPlainObject(input)) {
    issues.add('', `a config is a mapping with "sources" (and optionally database, timezone, reports), got ${describeValue(input)}`);
    return { config: undefined, broken: new Set(), sources: [] };
  }
  const top = validateLevel(configShellSchema, input, '', TOP_STAND_INS, issues);
  const sources: ValidatedSource[] = [];
  const rawSources = isPlainObject(input.sources) ? input.sources : {};
  for (const [name, raw] of Object.entries(rawSources)) {
    const path = joinPath('sources', name);
    checkName(name, 'source', path, issues);
    const source = validateLevel(sourceShellSchema, raw, path, SOURCE_STAND_INS, issues);
    const resources: ValidatedResource[] = [];
    const rawResources = isPlainObject(raw) && isPlainObject(raw.resources) ? raw.resources : {};
    for (const [resourceName, rawResource] of Object.entries(rawResources)) {
      const resourcePath = joinPath(path, 'resources', resourceName);
      checkName(resourceName, 'resource', resourcePath, issues);
      const resource = validateLevel(resourceSchema, rawResource, resourcePath, RESOURCE_STAND_INS, issues);
      resources.push({ name: resourceName, path: resourcePath, ...resource });
    }
    sources.push({ name, path, ...source, resources });
  }
  if (isPlainObject(input.reports)) {
    for (const name of Object.keys(input.reports)) checkName(name, 'report', joinPath('reports', name), issues);
  }
  const config = top.config && { database: top.config.database, timezone: top.config.timezone, reports: top.config.reports };
  return { config, broken: top.broken, sources };
}

function validateLevel<T>(
  schema: z.ZodType<T> & { readonly shape: Record<string, unknown> },
  raw: unknown,
  path: string,
  standIns: Record<string, unknown>,
  issues: IssueList,
): Validated<T> {
  const outcome = parseWith(schema, raw, path, issues);
  if (outcome.data !== undefined || !isPlainObject(raw)) return { config: outcome.data, broken: outcome.brokenKeys };
  const salvaged: Record<string, unknown> = {};
  for (const key of Object.keys(schema.shape)) {
    if (outcome.brokenKeys.has(key)) {
      if (Object.hasOwn(standIns, key)) salvaged[key] = standIns[key];
    } else if (Object.hasOwn(raw, key)) {
      salvaged[key] = raw[key];
    } else if (Object.hasOwn(standIns, key)) {
      salvaged[key] = standIns[key];
    }
  }
  // Problems of the salvaged copy were all reported above.
  const again = parseWith(schema, salvaged, path, new IssueList());
  return { config: again.data, broken: outcome.brokenKeys };
}

function checkName(name: string, kind: string, path: string, issues: IssueList): void {
  if (!NAME.test(name)) issues.add(path, `${kind} name "${name}" must be letters, digits, _ and -, not starting with a digit or -`);
}
