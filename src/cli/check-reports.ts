import type { ResolvedConfig } from '../config/types.js';
import type { Store } from '../store/types.js';
import type { ReportCheck } from './check-output.js';
import type { ResourceCheck } from './check-resource.js';

/**
 * Has the database compile each report of the config against the tables the
 * checked resources would have. A report reading a table whose columns
 * nothing settles yet (no records on its first page, nothing declared, no
 * table in the database) cannot be judged: it is `unchecked`, not failed.
 */
export async function checkReports(config: ResolvedConfig, store: Store, resources: readonly ResourceCheck[]): Promise<ReportCheck[]> {
  const tables = new Map(resources.flatMap((check) => (check.tableDef ? [[check.tableDef.name, check.tableDef] as const] : [])));
  const unsettled = resources.filter((check) => !check.tableDef && !check.table.exists);
  const checks: ReportCheck[] = [];
  for (const [name, report] of Object.entries(config.reports)) {
    try {
      await store.checkQuery(report.sql, [...tables.values()]);
      checks.push({ report: name, status: 'ok' });
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      const unknown = unsettled.filter((check) => new RegExp(`\\b${check.table.name}\\b`, 'i').test(report.sql));
      if (unknown.length > 0) {
        const why = unknown.map(
          (check) => `${check.table.name} (${check.resource}: ${check.reason?.message ?? 'no records on its first page'})`,
        );
        checks.push({
          report: name,
          status: 'unchecked',
          error: `reads ${why.join(', ')}, whose columns are not known before a run; declare them under columns to check it`,
        });
      } else {
        checks.push({ report: name, status: 'failed', error: detail });
      }
    }
  }
  return checks;
}

/** One line per report, as the text output prints it. */
export function reportLine(check: ReportCheck, dialect: string): string {
  if (check.status === 'ok') return `report ${check.report}: OK (compiled by ${dialect} against the tables above, not run)\n`;
  if (check.status === 'unchecked') return `report ${check.report}: not checked: ${check.error}\n`;
  return `report ${check.report}: FAILED: ${dialect} cannot run its SQL: ${check.error}\n`;
}
