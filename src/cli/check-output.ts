import { stringifyJson } from '../util/exact-json.js';
import type { CheckedColumn, ResourceCheck } from './check-resource.js';
import { formatTable } from './print-table.js';

/** What `siphon check` found for one report. */
export interface ReportCheck {
  readonly report: string;
  /** `unchecked`: it reads a table whose columns are not known before a run. */
  readonly status: 'ok' | 'failed' | 'unchecked';
  /** The database's message, or why it could not be checked. */
  readonly error?: string | undefined;
}

/** The whole check, as `--json` prints it. */
export interface CheckDocument {
  readonly ok: boolean;
  readonly config: string | undefined;
  readonly database: string;
  readonly elapsedMs: number;
  readonly resources: readonly ResourceCheck[];
  readonly reports: readonly ReportCheck[];
}

/** One resource as text: the request, what was detected, the columns and a sample record. */
export function formatResourceCheck(check: ResourceCheck): string {
  const lines = [check.resource];
  if (check.request) {
    const answer = check.request.status === undefined ? 'no answer' : `HTTP ${check.request.status}`;
    lines.push(`  GET ${check.request.url} → ${answer} in ${check.request.elapsedMs} ms (1 attempt, no retries)`);
  }
  if (check.status === 'failed') lines.push(`  FAILED: ${check.reason?.message}`);
  if (check.status === 'skipped') lines.push(`  skipped: ${check.reason?.message}`);
  if (check.reason?.hint) lines.push(`  ${check.reason.hint}`);
  if (check.paginator) lines.push(`  paginator: ${check.paginator}`);
  if (check.records)
    lines.push(`  records: ${check.records.path}${check.records.detected ? ' (detected)' : ''}, ${check.records.count} on the first page`);
  const key = check.table.primaryKey.length > 0 ? `, key ${check.table.primaryKey.join(', ')}` : '';
  lines.push(`  table: ${check.table.name} (${check.table.write}${key}; ${check.table.exists ? 'exists' : 'a run creates it'})`);
  if (check.columns.length > 0) {
    const rows = check.columns.map((column) => [
      column.name,
      column.type,
      column.sqlType,
      column.widensFrom ? `widens from ${column.widensFrom}` : column.from,
      column.field ?? '',
      column.key ? 'key' : '',
    ]);
    const table = formatTable(['column', 'type', 'SQL type', 'from', 'field', ''], rows);
    lines.push(`  columns${check.page !== undefined ? '' : ' (declared ones; the rest come from the data)'}:`, ...indent(table, '    '));
  } else if (check.status === 'ok') {
    lines.push('  columns: none yet (no record on the first page has a field with a value)');
  }
  for (const warning of check.warnings) lines.push(`  warning: ${warning}`);
  const first = check.page?.[0];
  // A check that got its page (a run would fail for what it shows, say) still shows the sample.
  if (check.page !== undefined) {
    lines.push(`  sample: ${first === undefined ? '(no records on the first page)' : stringifyJson(first, 2).replace(/\n/g, '\n    ')}`);
  }
  return `${lines.join('\n')}\n\n`;
}

/** A ready-to-paste `columns:` block for one resource, as `--columns` prints it. */
export function formatColumnsBlock(check: ResourceCheck): string {
  const lines = [
    `# ${check.resource} → table ${check.table.name}${check.status === 'ok' ? '' : ` (${check.status}: declared columns only)`}`,
  ];
  for (const warning of check.warnings) lines.push(`# warning: ${warning}`);
  lines.push('columns:');
  // A parent column is filled by the walk itself, not from a record field.
  for (const column of check.columns) if (column.field !== undefined && column.from !== 'parent') lines.push(`  ${columnEntry(column)}`);
  return `${lines.join('\n')}\n\n`;
}

function columnEntry(column: CheckedColumn): string {
  const field = column.field ?? column.name;
  if (field.includes('.')) return `${yamlKey(column.name)}: { path: ${yamlKey(field)}, type: ${column.type} }`;
  if (field !== column.name) return `${yamlKey(field)}: { name: ${column.name}, type: ${column.type} }`;
  return `${yamlKey(field)}: ${column.type}`;
}

/** A key YAML reads back as written: plain when it can be, quoted otherwise. */
function yamlKey(text: string): string {
  return /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(text) ? text : JSON.stringify(text);
}

/** The `--json` document: exact numbers in the sample records, nothing of the internal table definitions. */
export function formatCheckJson(document: CheckDocument): string {
  const resources = document.resources.map(({ page, tableDef: _table, ...check }) => ({ ...check, sample: page?.[0] ?? null }));
  return `${stringifyJson({ ...document, resources }, 2)}\n`;
}

function indent(text: string, prefix: string): string[] {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => prefix + line);
}
