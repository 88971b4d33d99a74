import { graphqlProblem } from '../http/graphql.js';
import { bodyParams, requestBodyProblem } from '../http/request-body.js';
import type { QueryParams, RetryOptions } from '../http/types.js';
import { paramLocationOf } from '../pagination/option-fields.js';
import { type PaginatorConfig, paginatorInitIssue } from '../pagination/registry.js';
import type { ColumnDef } from '../store/types.js';
import { joinPath } from '../util/option-path.js';
import { scheduleProblem } from './check-schedule.js';
import { CONFIG_DEFAULTS, DATABASE_ENV, defaultWriteMode } from './defaults.js';
import { identifierProblem } from './identifier.js';
import { IssueList } from './issue-list.js';
import { linkParents, type ParentInfo, parentsFirst } from './link-parents.js';
import { type ResolvedColumns, resolveColumns } from './resolve-columns.js';
import { resolveDatabase } from './resolve-database.js';
import type { SourceShell } from './schema.js';
import type { IncrementalConfig, ResolvedColumn, ResolvedConfig, ResolvedResource, ResolvedSource, ResourceConfig } from './types.js';
import type { ValidatedInput, ValidatedSource } from './validate-input.js';

export interface ResolveContext {
  /** Directory relative SQLite paths of `database` resolve against. */
  readonly baseDir: string;
  /** `SIPHON_DATABASE`, when set: wins over `database`. */
  readonly databaseOverride: string | undefined;
  /** Directory a relative `SIPHON_DATABASE` SQLite path resolves against. */
  readonly cwd: string;
  readonly file: string | undefined;
}

/** A resource with everything but its parent link settled. */
interface Draft {
  readonly name: string;
  readonly path: string;
  readonly config: ResourceConfig;
  readonly source: ResolvedSource;
  readonly sourceConfig: SourceShell;
  /** Config path of the source, where an inherited option is written. */
  readonly sourcePath: string;
  readonly columns: ResolvedColumns;
  /** Whether none of `keys` of the resource had problems of their own. */
  readonly intact: (...keys: string[]) => boolean;
  /** Whether none of `keys` of its source had problems of their own. */
  readonly sourceIntact: (...keys: string[]) => boolean;
}

/**
 * Turns validated input into a {@link ResolvedConfig}: inheritance from the
 * source, defaults ({@link CONFIG_DEFAULTS}), columns, parent links and the
 * checks that involve more than one value, each problem added to `issues`.
 * A check whose inputs had problems of their own is skipped, so nothing is
 * reported twice or as a consequence of another problem. The result is only
 * meaningful when `issues` stayed empty.
 */
export function resolveConfig(input: ValidatedInput, context: ResolveContext, issues: IssueList): ResolvedConfig {
  const top = input.config;
  const timezone = (input.broken.has('timezone') ? undefined : top?.timezone) ?? CONFIG_DEFAULTS.timezone;
  const resources: ResolvedResource[] = [];
  const sources: Record<string, ResolvedSource> = {};

  for (const validated of input.sources) {
    if (validated.config === undefined) continue;
    const sourceConfig = validated.config;
    const source = resolveSource(validated, sourceConfig);
    sources[validated.name] = source;
    const drafts: Draft[] = [];
    // Resources that cannot serve as parents: their placeholders' checks would only guess.
    const unusable = new Set<string>();
    for (const resource of validated.resources) {
      if (resource.config === undefined) {
        unusable.add(resource.name);
        continue;
      }
      const intact = (...keys: string[]): boolean => keys.every((key) => !resource.broken.has(key));
      const sourceIntact = (...keys: string[]): boolean => keys.every((key) => !validated.broken.has(key));
      const columnsIntact = intact('columns', 'primaryKey');
      if (!columnsIntact) unusable.add(resource.name);
      const columns = resolveColumns(resource.config, resource.path, columnsIntact ? issues : new IssueList());
      const { name, path, config } = resource;
      drafts.push({ name, path, config, source, sourceConfig, sourcePath: validated.path, columns, intact, sourceIntact });
    }
    const parents = linkParents(
      drafts
        .filter((d) => d.intact('path'))
        .map((d) => ({
          name: d.name,
          path: d.path,
          urlPath: d.config.path,
          columns: d.columns.columns,
          requestTexts: d.intact('params', 'json', 'form', 'graphql') ? requestTexts(d.path, d.config) : [],
        })),
      validated.name,
      new Set([...unusable, ...drafts.filter((d) => !d.intact('path')).map((d) => d.name)]),
      issues,
    );
    for (const draft of parentsFirst(drafts, (name) => parents.get(name)?.name)) {
      resources.push(finishResource(draft, parents.get(draft.name), timezone, issues));
    }
  }
  checkDuplicateTables(resources, input, issues);

  return {
    database: input.broken.has('database') ? '' : resolveDatabaseSetting(top?.database, context, issues),
    timezone,
    sources,
    resources,
    reports: top?.reports ?? {},
    file: context.file,
  };
}

function resolveSource(validated: ValidatedSource, config: SourceShell): ResolvedSource {
  const retry: RetryOptions = { ...config.retry };
  // `backoff` only documents the one strategy there is; the client does not take it.
  delete (retry as { backoff?: unknown }).backoff;
  return {
    name: validated.name,
    baseUrl: config.baseUrl.replace(/\/+$/, ''),
    auth: config.auth,
    headers: config.headers ?? {},
    rateLimit: config.rateLimit,
    rateLimitedWhen: config.rateLimitedWhen,
    retry,
    timeout: config.timeout,
    crossOrigin: config.crossOrigin ?? CONFIG_DEFAULTS.crossOrigin,
    maxResponseSize: config.maxResponseSize ?? CONFIG_DEFAULTS.maxResponseSize,
  };
}

function finishResource(draft: Draft, parent: ParentInfo | undefined, topTimezone: string, issues: IssueList): ResolvedResource {
  const { config, path, source, sourceConfig: inherited, intact } = draft;
  const params: QueryParams = { ...inherited.params, ...config.params };
  const headers = { ...inherited.headers, ...config.headers };
  const paginator = resolvePaginator(draft, params, issues);
  const graphql = config.graphql !== undefined;
  const method = config.method ?? (graphql ? 'POST' : CONFIG_DEFAULTS.method);
  const location = paramLocationOf(paginator);
  const bodyProblem =
    graphqlProblem(graphql, config.json !== undefined || config.form !== undefined, paginator) ??
    requestBodyProblem(method, config.json !== undefined || graphql, config.form !== undefined, location);
  if (bodyProblem !== undefined && intact('method', 'json', 'form', 'paginator', 'graphql')) {
    // An inherited paginator's `in` is written at the source.
    const at = bodyProblem.path === 'paginator.in' && config.paginator === undefined ? draft.sourcePath : path;
    issues.add(joinPath(at, ...bodyProblem.path.split('.')), bodyProblem.message);
  }
  if (config.includeFromParent !== undefined && parent === undefined && intact('includeFromParent', 'path')) {
    issues.add(
      joinPath(path, 'includeFromParent'),
      'copies fields of the parent row into a child resource; this resource has no parent ({parent.field} in its path)',
    );
  }
  const hasKey = draft.columns.primaryKeyFields.length > 0;

  const write = config.write ?? defaultWriteMode(hasKey);
  if (write === 'merge' && !hasKey && intact('write', 'primaryKey')) {
    issues.add(
      joinPath(path, 'write'),
      'merge upserts by primary key: set primaryKey (the record field(s) identifying a row), or use append or replace',
    );
  }
  if (config.incremental !== undefined && write === 'replace') {
    issues.add(
      joinPath(path, 'incremental'),
      'an incremental sync fetches only changes, which replace would keep alone; use write: merge or append',
    );
  }
  for (const issue of incrementalIssues(config.incremental, parent !== undefined))
    issues.add(joinPath(path, 'incremental', issue.key), issue.message);
  const undeclared = config.undeclared ?? CONFIG_DEFAULTS.undeclared;
  if (undeclared === 'json' && draft.columns.columns.some((column) => column.name.toLowerCase() === '_extra')) {
    issues.add(joinPath(path, 'columns'), 'column name "_extra" is where undeclared: json keeps the other fields; rename the column');
  }

  const table = config.table ?? draft.name;
  if (config.table === undefined && intact('table')) {
    const problem = identifierProblem(table, 'table');
    if (problem !== undefined) issues.add(path, `${problem} (the resource name is the default table name); set table`);
  }
  const timezone = config.timezone ?? inherited.timezone ?? topTimezone;
  if (config.schedule !== undefined && intact('timezone') && draft.sourceIntact('timezone')) {
    const problem = scheduleProblem(config.schedule, timezone);
    if (problem !== undefined) issues.add(joinPath(path, 'schedule'), problem);
  }

  return {
    id: `${source.name}.${draft.name}`,
    source,
    name: draft.name,
    url: source.baseUrl + config.path,
    params,
    headers,
    paginator,
    records: config.records ?? inherited.records,
    method,
    json: config.json,
    form: config.form,
    graphql: config.graphql,
    responseActions: config.responseActions ?? inherited.responseActions,
    filter: config.filter,
    map: config.map,
    exclude: config.exclude,
    addFields: config.addFields,
    includeFromParent: config.includeFromParent,
    concurrency: config.concurrency ?? inherited.concurrency ?? CONFIG_DEFAULTS.concurrency,
    maxPages: config.maxPages ?? inherited.maxPages,
    write,
    table: { name: table, columns: typedColumns(draft.columns.columns), primaryKey: draft.columns.primaryKey },
    columns: draft.columns.columns,
    undeclared,
    expectTotal: config.expectTotal ?? CONFIG_DEFAULTS.expectTotal,
    primaryKeyFields: draft.columns.primaryKeyFields,
    schedule: config.schedule,
    timezone,
    incremental: config.incremental,
    batchSize: config.batchSize ?? CONFIG_DEFAULTS.batchSize,
    parent: parent && { resource: `${source.name}.${parent.name}`, links: parent.links },
  };
}

/** The strings of a resource's own params and body, each at its config path, for `{parent.field}` placeholders. */
function requestTexts(path: string, config: ResourceConfig): { at: string; text: string }[] {
  const out: { at: string; text: string }[] = [];
  const visit = (value: unknown, at: string): void => {
    if (typeof value === 'string') out.push({ at, text: value });
    else if (Array.isArray(value)) for (const [index, item] of value.entries()) visit(item, `${at}[${index}]`);
    else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) visit(item, joinPath(at, key));
  };
  for (const key of ['params', 'json', 'form'] as const) if (config[key] !== undefined) visit(config[key], joinPath(path, key));
  if (config.graphql?.variables !== undefined) visit(config.graphql.variables, joinPath(path, 'graphql', 'variables'));
  return out;
}

/** The columns whose type the config settles; the others are typed from the data. */
function typedColumns(columns: readonly ResolvedColumn[]): ColumnDef[] {
  return columns.flatMap(({ name, type }) => (type === undefined ? [] : [{ name, type }]));
}

/**
 * The resource's paginator, or the source's. Its options passed the
 * strategy's schema with the rest of the config; what is left is what they
 * need of the params the resource will send (an offset paginator's limit).
 */
function resolvePaginator(draft: Draft, params: QueryParams, issues: IssueList): PaginatorConfig {
  const own = draft.config.paginator;
  const declared = own ?? draft.sourceConfig.paginator ?? CONFIG_DEFAULTS.paginator;
  const config: PaginatorConfig = typeof declared === 'string' ? ({ type: declared } as PaginatorConfig) : declared;
  if (!draft.intact('paginator', 'params') || !draft.sourceIntact('paginator', 'params')) return config;
  const { json, form } = draft.config;
  const issue = paginatorInitIssue(config, { params: paramLocationOf(config) === 'body' ? bodyParams({ json, form }) : params });
  // Problems of an inherited paginator point at the source, where it is written.
  if (issue !== undefined)
    issues.add(joinPath(own !== undefined ? draft.path : draft.sourcePath, 'paginator', ...issue.path), issue.message);
  return config;
}

function checkDuplicateTables(resources: readonly ResolvedResource[], input: ValidatedInput, issues: IssueList): void {
  const origin = new Map<string, { path: string; declared: boolean; broken: boolean }>();
  for (const source of input.sources) {
    for (const resource of source.resources) {
      origin.set(`${source.name}.${resource.name}`, {
        path: resource.path,
        declared: resource.config?.table !== undefined,
        broken: resource.broken.has('table'),
      });
    }
  }
  const owners = new Map<string, string>();
  for (const resource of resources) {
    const here = origin.get(resource.id);
    if (here === undefined || here.broken) continue;
    const key = resource.table.name.toLowerCase();
    const owner = owners.get(key);
    if (owner === undefined) {
      owners.set(key, resource.id);
      continue;
    }
    issues.add(
      here.declared ? joinPath(here.path, 'table') : here.path,
      `table "${resource.table.name}" is also the table of ${origin.get(owner)?.path ?? owner}; each resource needs its own table (set table)`,
    );
  }
}

function resolveDatabaseSetting(database: string | undefined, context: ResolveContext, issues: IssueList): string {
  const override = context.databaseOverride;
  const [url, baseDir, path] =
    override !== undefined && override.trim() !== ''
      ? [override, context.cwd, DATABASE_ENV]
      : [database ?? CONFIG_DEFAULTS.database, context.baseDir, 'database'];
  let resolved = url;
  issues.attempt(() => {
    resolved = resolveDatabase(url, baseDir, path);
  });
  return resolved;
}

/** What the incremental options need of each other (windows count in time, from a known start). */
function incrementalIssues(incremental: IncrementalConfig | undefined, child: boolean): { key: string; message: string }[] {
  if (incremental === undefined) return [];
  const issues: { key: string; message: string }[] = [];
  const windowed = incremental.window !== undefined || incremental.endParam !== undefined || incremental.end !== undefined;
  if (windowed && child) {
    issues.push({
      key: 'window',
      message: 'windows are for a resource walked once; a child resource (with {parent.field}) cannot ask in windows',
    });
  }
  if (incremental.window !== undefined && incremental.initial === undefined) {
    issues.push({ key: 'initial', message: "window needs initial: the instant the first run's first window starts" });
  }
  if ((windowed || incremental.lookback !== undefined) && incremental.initial !== undefined) {
    if (typeof incremental.initial !== 'string' || Number.isNaN(Date.parse(incremental.initial))) {
      issues.push({
        key: 'initial',
        message: `expected an ISO-8601 instant (window, end and lookback count in time), got ${JSON.stringify(incremental.initial)}`,
      });
    }
  }
  return issues;
}
