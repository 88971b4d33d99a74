import { Command, Option } from 'commander';
import type { OfflineResourceCheck } from '../check-offline.js';
import type { ReportCheck } from '../check-output.js';
import type { ResourceCheck } from '../check-resource.js';
import { loadCliConfig, withConfigOption } from '../context.js';

/**
 * The budget of each request of a check: one attempt within 5 s, so a wrong
 * host or port answers at once instead of after a run's retries.
 */
export const CHECK_REQUEST = { retry: false, timeout: '5s' } as const;

/**
 * `siphon check`: a dry run. Validates the config, fetches the first page of
 * each resource once, shows what a run would make of it (paginator, records
 * path, the columns of its table) and has the database compile each report
 * against those tables. It writes nothing: not the database file, not
 * Siphon's own tables. With `--offline` it sends nothing and opens no
 * database either: the config alone, as far as it can be judged.
 */
export function checkCommand(): Command {
  return withConfigOption(
    new Command('check')
      .description(
        'dry run: validate the config, fetch the first page of each resource (one attempt, 5 s timeout), show the paginator, ' +
          'records path and columns a run would create, and compile each report against them',
      )
      .argument('[resources...]', 'source.resource ids or source names (default: all; reports are checked when every resource is)')
      .option('--json', 'print one JSON document instead of text')
      .option('--columns', 'print a ready-to-paste columns: block for each resource instead, typed from its first page')
      .addOption(
        new Option(
          '--offline',
          'send no request and open no database: validate the config and show what each resource would do (first URL, paginator, records path, parent, declared columns); ' +
            'an unset ${env:NAME} is a note, not an error',
        ).conflicts('columns'),
      ),
  ).action(async (only: string[], options: { config?: string; json?: boolean; columns?: boolean; offline?: boolean }) => {
    if (options.offline) {
      await checkOffline(only, options);
      return;
    }
    const started = performance.now();
    const { ClientPool } = await import('../../sync/client-pool.js');
    const { selectResources } = await import('../../sync/sync-resources.js');
    const { checkResource } = await import('../check-resource.js');
    const { formatCheckJson, formatColumnsBlock, formatResourceCheck } = await import('../check-output.js');
    const { checkReports, reportLine } = await import('../check-reports.js');
    const { openCheckStore } = await import('../check-store.js');
    const config = await loadCliConfig(options);
    const { store, missing } = await openCheckStore(config.database);
    const dialect =
      store.dialect === 'postgres'
        ? (await import('../../store/postgres/dialect.js')).postgresDialect
        : (await import('../../store/sqlite/dialect.js')).sqliteDialect;
    const clients = new ClientPool({ override: CHECK_REQUEST });
    const text = !options.json && !options.columns;
    const resources: Awaited<ReturnType<typeof checkResource>>[] = [];
    const reports: ReportCheck[] = [];
    try {
      if (text) {
        const database = missing ? `${store.dialect} (its file does not exist yet; a run creates it)` : store.dialect;
        process.stdout.write(`config OK: ${config.resources.length} resources, database ${database}\n\n`);
      }
      const selected = selectResources(config, only);
      for (const resource of selected) {
        const parent = config.resources.find((candidate) => candidate.id === resource.parent?.resource);
        let parentPage = resources.find((checked) => checked.resource === parent?.id)?.page;
        if (parent && !selected.includes(parent) && !parent.parent) {
          // A child checked on its own walks under a parent row: the parent's first page gives one, unprinted.
          parentPage = (
            await checkResource(parent, undefined, undefined, store, clients, (type) => dialect.sqlType(type)).catch(() => undefined)
          )?.page;
        }
        let check: Awaited<ReturnType<typeof checkResource>>;
        try {
          check = await checkResource(resource, parent, parentPage, store, clients, (type) => dialect.sqlType(type));
        } catch (error) {
          // The sample itself does not fit (a field that changes kind under `undeclared: infer`, two fields for one column): a run would fail too.
          const message = error instanceof Error ? error.message : String(error);
          const name = error instanceof Error ? error.name : 'Error';
          check = {
            resource: resource.id,
            status: 'failed',
            table: { name: resource.table.name, write: resource.write, primaryKey: resource.table.primaryKey, exists: false },
            columns: [],
            warnings: [],
            tableDef: undefined,
            reason: { name, message },
          };
        }
        resources.push(check);
        if (text) process.stdout.write(formatResourceCheck(check));
        else if (options.columns && !options.json) process.stdout.write(formatColumnsBlock(check));
        if (!text && check.status === 'failed') {
          process.stderr.write(`${check.resource}: ${check.reason?.message}${check.reason?.hint ? ` — ${check.reason.hint}` : ''}\n`);
        }
      }
      // Reports read tables of any resource, so they are checked only when every resource was.
      if (selected.length === config.resources.length) {
        reports.push(...(await checkReports(config, store, resources)));
        for (const report of reports) {
          if (text) process.stdout.write(reportLine(report, store.dialect));
          else if (report.status !== 'ok') process.stderr.write(reportLine(report, store.dialect));
        }
      }
    } finally {
      await clients.close();
      await store.close();
    }
    const ok = resources.every((check) => check.status !== 'failed') && reports.every((report) => report.status !== 'failed');
    if (options.json) {
      process.stdout.write(
        formatCheckJson({
          ok,
          config: config.file,
          database: store.dialect,
          elapsedMs: Math.round(performance.now() - started),
          resources,
          reports,
        }),
      );
    }
    if (!ok) process.exitCode = 1;
  });
}

/**
 * `siphon check --offline`: the config as far as it can be judged without
 * the API or the database. A `${env:NAME}` whose variable is not set stays as
 * text and is a note (a generated config names variables the user fills in
 * later); `database` must still resolve, it says which SQL the reports are.
 */
async function checkOffline(only: string[], options: { config?: string; json?: boolean }): Promise<void> {
  const { selectResources } = await import('../../sync/sync-resources.js');
  const { envSubstitutions, missingEnvReferences } = await import('../../config/env-substitutions.js');
  const { parseDatabaseUrl } = await import('../../store/database-url.js');
  const { joinPath } = await import('../../util/option-path.js');
  const offline = await import('../check-offline.js');
  const config = await loadCliConfig(options, 'read');
  const kind = parseDatabaseUrl(config.database).kind;
  const dialect =
    kind === 'postgres'
      ? (await import('../../store/postgres/dialect.js')).postgresDialect
      : (await import('../../store/sqlite/dialect.js')).sqliteDialect;
  // Values variables filled may be secrets: shown by name, longest first so a value inside another is not split.
  const filled = [...envSubstitutions(config)].filter((entry) => entry.value !== '').sort((a, b) => b.value.length - a.value.length);
  const mask = (text: string): string => filled.reduce((out, entry) => out.replaceAll(entry.value, `\${env:${entry.name}}`), text);
  const references = missingEnvReferences(config);
  const missing = offline.missingVariables(references);
  const writtenBaseUrl = (source: string): string | undefined =>
    references.find((reference) => reference.path === joinPath('', 'sources', source, 'baseUrl'))?.text;
  const text = !options.json;
  if (text) process.stdout.write(offline.formatOfflineHeader(config, kind, missing));
  const selected = selectResources(config, only);
  const resources: OfflineResourceCheck[] = [];
  const tables: ResourceCheck[] = [];
  for (const resource of selected) {
    const { check, tableCheck } = offline.describeOffline(
      resource,
      (type) => dialect.sqlType(type),
      mask,
      writtenBaseUrl(resource.source.name),
    );
    resources.push(check);
    tables.push(tableCheck);
    if (text) process.stdout.write(offline.formatOfflineResource(check));
  }
  let reports: ReportCheck[] = [];
  // As online: reports read tables of any resource, so they are checked only when every resource was.
  if (selected.length === config.resources.length) {
    reports = await offline.checkReportsOffline(config, tables);
    for (const report of reports) {
      if (text) process.stdout.write(offline.formatOfflineReport(report));
      else if (report.status === 'failed') process.stderr.write(offline.formatOfflineReport(report));
    }
  }
  const ok = reports.every((report) => report.status !== 'failed');
  if (options.json) {
    process.stdout.write(
      offline.formatOfflineJson({ ok, offline: true, config: config.file, database: kind, missingEnv: missing, resources, reports }),
    );
  }
  if (!ok) process.exitCode = 1;
}
