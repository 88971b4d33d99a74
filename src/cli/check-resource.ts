import type { ResolvedResource } from '../config/types.js';
import { describeRecordsPath, selectRecords } from '../pagination/records.js';
import { createPaginator } from '../pagination/registry.js';
import type { Store } from '../store/types.js';
import type { ClientPool } from '../sync/client-pool.js';
import { stringifyJson } from '../util/exact-json.js';
import { buildPageUrl } from '../walk/build-url.js';

/** Fetches the first page of one resource and describes what Siphon makes of it. */
export async function checkResource(
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
