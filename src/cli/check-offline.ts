import type { ResolvedConfig, ResolvedResource } from '../config/types.js';
import { graphqlBody } from '../http/graphql.js';
import { bodyParams } from '../http/request-body.js';
import { paramLocationOf } from '../pagination/option-fields.js';
import { createPaginator } from '../pagination/registry.js';
import type { ColumnType } from '../store/column-type.js';
import type { Store } from '../store/types.js';
import { stringifyJson } from '../util/exact-json.js';
import { buildPageRequest } from '../walk/build-url.js';
import type { ReportCheck } from './check-output.js';
import { type CheckedColumn, declaredTable, type ResourceCheck } from './check-resource.js';

/** What `siphon check --offline` says of one resource: what a run would do, from the config alone. */
export interface OfflineResourceCheck {
  readonly resource: string;
  /** The first request as the config builds it, with `${env:NAME}` for the values variables filled. */
  readonly request: { readonly method: string; readonly url: string };
  readonly paginator: string;
  /** The records path, or `undefined` when the first response will tell. */
  readonly records: string | undefined;
  /** The resource it walks under, and which of its fields fill which placeholders. */
  readonly parent?: { readonly resource: string; readonly fields: readonly string[] } | undefined;
  readonly table: { readonly name: string; readonly write: string; readonly primaryKey: readonly string[] };
  /** The declared columns (and the key's and the parent's); the rest come from the data. */
  readonly columns: readonly CheckedColumn[];
  readonly schedule?: string | undefined;
}

/** A `${env:NAME}` whose variable is not set: no problem offline, but a run needs it. */
export interface MissingVariable {
  readonly name: string;
  readonly paths: readonly string[];
}

/** The `--json` document of an offline check. */
export interface OfflineCheckDocument {
  readonly ok: boolean;
  readonly offline: true;
  readonly config: string | undefined;
  readonly database: string;
  readonly missingEnv: readonly MissingVariable[];
  readonly resources: readonly OfflineResourceCheck[];
  readonly reports: readonly ReportCheck[];
}

/**
 * Describes a resource from its config alone: the first request (built as
 * the walk builds it, `buildPageRequest`), the paginator, records path,
 * parent and declared columns. Nothing is sent; `mask` puts `${env:NAME}`
 * back in place of the values variables filled, which may be secrets.
 */
export function describeOffline(
  resource: ResolvedResource,
  sqlType: (type: ColumnType) => string,
  mask: (text: string) => string,
  /** The source's `baseUrl` as written, when it holds a variable that is not set (the config then holds a stand-in). */
  writtenBaseUrl?: string,
): { check: OfflineResourceCheck; tableCheck: ResourceCheck } {
  const inBody = paramLocationOf(resource.paginator) === 'body';
  const parts = resource.graphql ? { json: graphqlBody(resource.graphql) } : { json: resource.json, form: resource.form };
  const paginator = createPaginator(resource.paginator, { params: inBody ? bodyParams(parts) : resource.params });
  const step = paginator.start();
  let url: string;
  try {
    url = readableUrl(buildPageRequest(resource.url, resource.params, parts, inBody, step.patch).url.toString());
  } catch {
    url = resource.url;
  }
  // A base URL still holding a `${env:…}` is no URL yet: shown as written.
  const base = resource.source.baseUrl;
  if (writtenBaseUrl !== undefined && url.startsWith(base)) url = writtenBaseUrl.replace(/\/+$/, '') + url.slice(base.length);
  const { def, columns } = declaredTable(resource, sqlType);
  const table = { name: resource.table.name, write: resource.write, primaryKey: resource.table.primaryKey };
  const check: OfflineResourceCheck = {
    resource: resource.id,
    request: { method: resource.method ?? (resource.graphql ? 'POST' : 'GET'), url: mask(url) },
    paginator: paginator.describe(),
    records: resource.records,
    parent: resource.parent && {
      resource: resource.parent.resource,
      fields: resource.parent.links.map((link) => `${link.placeholder} ← ${link.parentField}, recorded in column ${link.column}`),
    },
    table,
    columns,
    schedule: resource.schedule,
  };
  // What the reports are compiled against: the declared columns, or nothing known when there are none.
  const tableCheck: ResourceCheck = {
    resource: resource.id,
    status: 'skipped',
    table: { ...table, exists: false },
    columns,
    warnings: [],
    tableDef: resource.columns.some((column) => column.type !== undefined) ? def : undefined,
    reason: { name: 'Offline', message: 'not fetched offline' },
  };
  return { check, tableCheck };
}

/** Placeholders (`{posts.id}`, `${env:OWNER}`) as written, not percent-encoded by the URL parser. */
function readableUrl(url: string): string {
  return url.replace(/%7B/gi, '{').replace(/%7D/gi, '}').replace(/%24/g, '$');
}

/**
 * Has an in-memory SQLite compile each report against the declared tables
 * (a SQLite config only: its reports are SQLite's SQL). The configured
 * database is not opened, nothing is created.
 */
export async function checkReportsOffline(config: ResolvedConfig, tables: readonly ResourceCheck[]): Promise<ReportCheck[]> {
  const reports = Object.keys(config.reports);
  if (reports.length === 0) return [];
  const { parseDatabaseUrl } = await import('../store/database-url.js');
  if (parseDatabaseUrl(config.database).kind !== 'sqlite') {
    return reports.map((report) => ({
      report,
      status: 'unchecked',
      error: 'only PostgreSQL can compile it, and an offline check connects to nothing; siphon check (online) does',
    }));
  }
  const { openStore } = await import('../store/open-store.js');
  const { checkReports } = await import('./check-reports.js');
  const store: Store = await openStore('sqlite::memory:');
  try {
    return await checkReports(config, store, tables);
  } finally {
    await store.close();
  }
}

/** The missing variables, each with the config paths that name it. */
export function missingVariables(references: readonly { path: string; name: string }[]): MissingVariable[] {
  const byName = new Map<string, string[]>();
  for (const { name, path } of references) {
    const paths = byName.get(name) ?? [];
    if (!paths.includes(path)) paths.push(path);
    byName.set(name, paths);
  }
  return [...byName].map(([name, paths]) => ({ name, paths }));
}

/** The lines printed before the resources: what was checked, and each variable a run still needs. */
export function formatOfflineHeader(config: ResolvedConfig, dialect: string, missing: readonly MissingVariable[]): string {
  const lines = [`config OK (offline: nothing sent, no database opened): ${config.resources.length} resources, database ${dialect}`];
  for (const variable of missing) {
    const shown = variable.paths.slice(0, 3).join(', ') + (variable.paths.length > 3 ? `, and ${variable.paths.length - 3} more` : '');
    lines.push(`note: \${env:${variable.name}} is not set (${shown}); checked as written, and a run needs it`);
  }
  return `${lines.join('\n')}\n\n`;
}

/** One resource as text. */
export function formatOfflineResource(check: OfflineResourceCheck): string {
  const lines = [check.resource, `  ${check.request.method} ${check.request.url} (not sent)`, `  paginator: ${check.paginator}`];
  lines.push(`  records: ${check.records ?? 'detected from the first response'}`);
  if (check.parent) lines.push(`  parent: ${check.parent.resource}, one walk per row (${check.parent.fields.join('; ')})`);
  if (check.schedule) lines.push(`  schedule: ${check.schedule}`);
  const key = check.table.primaryKey.length > 0 ? `, key ${check.table.primaryKey.join(', ')}` : '';
  lines.push(`  table: ${check.table.name} (${check.table.write}${key})`);
  if (check.columns.length > 0) {
    const entries = check.columns.map((column) => {
      const origin = column.from === 'parent' ? ` from ${column.field}` : column.field !== column.name ? ` from ${column.field}` : '';
      return `${column.name} ${column.type}${column.key ? ' key' : ''}${origin}`;
    });
    lines.push(`  columns (${check.columns.length} known before a run; the rest come from the data):`, ...wrap(entries, '    ', 120));
  } else {
    lines.push('  columns: none declared; a run takes them from the data');
  }
  return `${lines.join('\n')}\n\n`;
}

/** `items` joined by commas into lines of at most `width` characters. */
function wrap(items: readonly string[], indent: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const [index, item] of items.entries()) {
    const piece = index < items.length - 1 ? `${item},` : item;
    if (line !== '' && indent.length + line.length + 1 + piece.length > width) {
      lines.push(indent + line);
      line = piece;
    } else line = line === '' ? piece : `${line} ${piece}`;
  }
  if (line !== '') lines.push(indent + line);
  return lines;
}

/** One report as text. */
export function formatOfflineReport(check: ReportCheck): string {
  if (check.status === 'ok') return `report ${check.report}: OK (compiled by an in-memory SQLite against the declared columns, not run)\n`;
  if (check.status === 'unchecked') return `report ${check.report}: not checked: ${check.error}\n`;
  return `report ${check.report}: FAILED: SQLite cannot run its SQL: ${check.error}\n`;
}

/** The `--json` document. */
export function formatOfflineJson(document: OfflineCheckDocument): string {
  return `${stringifyJson(document, 2)}\n`;
}
