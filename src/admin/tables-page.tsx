import type { Hono } from 'hono';
import type { AdminEnv } from './admin-env.js';
import type { AdminState } from './admin-state.js';
import { formatCount } from './format.js';
import { Layout, sendPage } from './layout.js';

export interface TableListing {
  readonly name: string;
  /** Resources writing it. */
  readonly resources: readonly string[];
  readonly exists: boolean;
  /** Rows in it, when it exists. */
  readonly rows: number | undefined;
}

/** The config's tables, whether each exists yet, and its row count. */
export async function tableListings(state: AdminState): Promise<TableListing[]> {
  return Promise.all(
    [...state.tables].map(async ([name, resources]) => {
      const exists = await state.store.hasTable(name);
      return {
        name,
        resources: resources.map((resource) => resource.id),
        exists,
        rows: exists ? await state.store.browse.count({ table: name }) : undefined,
      };
    }),
  );
}

/** `/tables`: every table the config writes. */
export function tablesPage(app: Hono<AdminEnv>, state: AdminState): void {
  app.get('/tables', async (c) => {
    const tables = await tableListings(state);
    return sendPage(
      c,
      <Layout state={state} title="Tables" nav="tables">
        <table class="grid">
          <thead>
            <tr>
              <th>table</th>
              <th>written by</th>
              <th class="num">rows</th>
              <th>export</th>
            </tr>
          </thead>
          <tbody>
            {tables.map((table) => (
              <tr>
                <td>{table.exists ? <a href={`/tables/${encodeURIComponent(table.name)}`}>{table.name}</a> : table.name}</td>
                <td>{table.resources.join(', ')}</td>
                <td class="num">{table.rows === undefined ? <span class="muted">not synced yet</span> : formatCount(table.rows)}</td>
                <td>
                  {table.exists &&
                    (['csv', 'xlsx', 'json'] as const).map((format) => (
                      <>
                        <a href={`/tables/${encodeURIComponent(table.name)}/export?format=${format}`}>{format.toUpperCase()}</a>{' '}
                      </>
                    ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Layout>,
    );
  });
}
