import { Command } from 'commander';
import type { ResolvedResource } from '../../config/types.js';
import { describeRecordsPath, selectRecords } from '../../pagination/records.js';
import { createPaginator } from '../../pagination/registry.js';
import type { Store } from '../../store/types.js';
import { ClientPool } from '../../sync/client-pool.js';
import { stringifyJson } from '../../util/exact-json.js';
import { buildPageUrl } from '../../walk/build-url.js';
import { openContext, withConfigOption } from '../context.js';

/** `siphon check`: validates the config and fetches the first page of each resource. */
export function checkCommand(): Command {
  return withConfigOption(
    new Command('check')
      .description('validate the config, fetch the first page of each resource and show what Siphon makes of it')
      .argument('[resources...]', 'source.resource ids (default: all)'),
  ).action(async (only: string[], options: { config?: string }) => {
    const context = await openContext(options);
    const clients = new ClientPool();
    let failures = 0;
    try {
      process.stdout.write(`config OK: ${context.config.resources.length} resources, database ${context.store.dialect}\n\n`);
      for (const resource of context.config.resources) {
        if (only.length > 0 && !only.includes(resource.id) && !only.includes(resource.source.name)) continue;
        try {
          const parent = context.config.resources.find((candidate) => candidate.id === resource.parent?.resource);
          process.stdout.write(await checkResource(resource, parent, context.store, clients));
        } catch (error) {
          failures += 1;
          process.stdout.write(`${resource.id}\n  FAILED: ${(error as Error).message}\n\n`);
        }
      }
    } finally {
      await clients.close();
      await context.close();
    }
    if (failures > 0) process.exitCode = 1;
  });
}

async function checkResource(
  resource: ResolvedResource,
  parent: ResolvedResource | undefined,
  store: Store,
  clients: ClientPool,
): Promise<string> {
  let url = resource.url;
  for (const link of resource.parent?.links ?? []) {
    const value = await firstParentValue(store, parent, link.parentColumn);
    if (value === undefined) {
      return `${resource.id}\n  skipped: walks once per row of ${resource.parent?.resource}, whose table is empty; run it first\n\n`;
    }
    url = url.replaceAll(link.placeholder, encodeURIComponent(String(value)));
  }
  const client = clients.get(resource.source);
  const paginator = createPaginator(resource.paginator, { params: resource.params });
  const step = paginator.start();
  const requestUrl = buildPageUrl(url, resource.params, step.patch);
  const response = await client.getJson(requestUrl, { headers: { ...resource.headers, ...step.patch.headers } });
  const records = selectRecords(response.body, resource.records);
  paginator.next({
    index: 0,
    step,
    requestUrl: requestUrl.toString(),
    response: { status: response.status, url: response.url, headers: response.headers, body: response.body },
    records,
  });
  const recordsPath = resource.records ?? `auto → ${describeRecordsPath(response.body) ?? '(none found)'}`;
  const sample = records[0] === undefined ? '(no records on the first page)' : stringifyJson(records[0], 2).replace(/\n/g, '\n    ');
  return [
    resource.id,
    `  GET ${client.redact(requestUrl)} → HTTP ${response.status} in ${response.attempts} attempt(s)`,
    `  paginator: ${paginator.describe()}`,
    `  records: ${recordsPath}, ${records.length} on the first page`,
    `  table: ${resource.table.name} (${resource.write}${resource.table.primaryKey.length ? `, key ${resource.table.primaryKey.join(', ')}` : ''})`,
    `  sample: ${sample}`,
    '',
    '',
  ].join('\n');
}

async function firstParentValue(store: Store, parent: ResolvedResource | undefined, column: string): Promise<unknown> {
  if (!parent || !(await store.hasTable(parent.table.name))) return undefined;
  const { rows } = await store.readTable(parent.table.name, { columns: [column], batchSize: 1 });
  for await (const row of rows) return row[column];
  return undefined;
}
