import type { Hono } from 'hono';
import * as z from 'zod';
import { exportFormats } from '../export/export-format.js';
import type { BrowsePage } from '../store/browse-types.js';
import { formatColumnType } from '../store/column-type.js';
import type { ColumnInfo } from '../store/types.js';
import { stringifyJson } from '../util/exact-json.js';
import type { AdminContext, AdminEnv } from './admin-env.js';
import { AdminHttpError } from './admin-http-error.js';
import type { AdminState } from './admin-state.js';
import { browseQuery } from './browse-params.js';
import { exportResponse } from './export-response.js';
import { Layout, sendPage } from './layout.js';
import { parseQuery } from './parse-input.js';
import { rowJson } from './row-json.js';
import { Cell } from './widgets.js';

const exportSchema = z.object({ format: z.enum(exportFormats as ['csv', 'xlsx', 'json']).default('csv') });

/** The current view's query string with some parameters replaced (cursors always dropped). */
function viewLink(c: AdminContext, table: string, changes: Record<string, string | undefined>, path = ''): string {
  const params = new URLSearchParams();
  for (const [key, values] of Object.entries(c.req.queries())) {
    if (['after', 'before', 'last', ...Object.keys(changes)].includes(key)) continue;
    for (const value of values) if (value !== '') params.append(key, value);
  }
  for (const [key, value] of Object.entries(changes)) if (value !== undefined) params.set(key, value);
  const search = params.toString();
  return `/tables/${encodeURIComponent(table)}${path}${search ? `?${search}` : ''}`;
}

/** Columns the view shows: all but those ticked to hide. */
function shownColumns(c: AdminContext, columns: readonly ColumnInfo[]): ColumnInfo[] {
  const hidden = new Set(c.req.queries('hide') ?? []);
  return columns.filter((column) => !hidden.has(column.name));
}

/** `/tables/:table`: the data browser; `/tables/:table/rows/:key`: one row; `/tables/:table/export`: the view as a file. */
export function tablePage(app: Hono<AdminEnv>, state: AdminState): void {
  app.get('/tables/:table', async (c) => {
    const table = state.table(c.req.param('table'));
    const { query, params, boxes } = browseQuery(c, table);
    const page = await state.store.browse.page(query);
    return sendPage(
      c,
      <Layout state={state} title={table} nav="tables">
        <Browser c={c} table={table} page={page} sort={params.sort} dir={params.dir ?? 'asc'} search={params.q} boxes={boxes} />
      </Layout>,
    );
  });

  app.get('/tables/:table/rows/:key', async (c) => {
    const table = state.table(c.req.param('table'));
    const row = await state.store.browse.row(table, c.req.param('key'));
    if (!row) throw new AdminHttpError(404, `no such row in ${table} (it may have been replaced since)`);
    const columns = await state.store.tableColumns(table);
    return sendPage(
      c,
      <Layout state={state} title={`${table}: one row`} nav="tables">
        <p>
          <a href={`/tables/${encodeURIComponent(table)}`}>← {table}</a>
        </p>
        <pre class="json" id="row-json">
          {stringifyJson(rowJson(columns, row), 2)}
        </pre>
      </Layout>,
    );
  });

  app.get('/tables/:table/export', async (c) => {
    const table = state.table(c.req.param('table'));
    const { format } = parseQuery(c, exportSchema);
    const { query } = browseQuery(c, table);
    const columns = shownColumns(c, await state.store.tableColumns(table));
    const result = await state.store.browse.rows(query);
    return exportResponse({
      columns: columns.map((column) => ({ name: column.name, type: column.type })),
      rows: result.rows,
      format,
      name: table,
    });
  });
}

interface BrowserProps {
  readonly c: AdminContext;
  readonly table: string;
  readonly page: BrowsePage;
  readonly sort: string | undefined;
  readonly dir: 'asc' | 'desc';
  readonly search: string | undefined;
  readonly boxes: Record<string, string>;
}

function Browser({ c, table, page, sort, dir, search, boxes }: BrowserProps) {
  const columns = shownColumns(c, page.columns);
  const hidden = new Set(c.req.queries('hide') ?? []);
  // Display names the reader chose (`as.<column>=Label`); sorting, filters and exports keep the real names.
  const label = (name: string): string => c.req.query(`as.${name}`)?.trim() || name;
  const sortLink = (column: string) => viewLink(c, table, { sort: column, dir: sort === column && dir === 'asc' ? 'desc' : 'asc' });
  return (
    <>
      <form method="get" action={`/tables/${encodeURIComponent(table)}`} class="browse" id="browse">
        <div class="toolbar">
          <input type="search" name="q" value={search ?? ''} placeholder="search every column" aria-label="search" />
          {sort && <input type="hidden" name="sort" value={sort} />}
          {sort && <input type="hidden" name="dir" value={dir} />}
          <button type="submit">Apply</button>
          <a href={`/tables/${encodeURIComponent(table)}`}>clear</a>
          <details class="columns">
            <summary>columns</summary>
            {page.columns.map((column) => (
              <label>
                <input type="checkbox" name="hide" value={column.name} checked={hidden.has(column.name)} /> hide {column.name}, show as{' '}
                <input name={`as.${column.name}`} value={c.req.query(`as.${column.name}`) ?? ''} placeholder={column.name} size={14} />
              </label>
            ))}
          </details>
          <span class="exports">
            export{' '}
            {exportFormats.map((format) => (
              <>
                <a class={`export-${format}`} href={viewLink(c, table, { format }, '/export')}>
                  {format.toUpperCase()}
                </a>{' '}
              </>
            ))}
          </span>
        </div>
        <div class="scroll">
          <table class="grid data" id="rows">
            <thead>
              <tr>
                <th />
                {columns.map((column) => (
                  <th class={column.type && ['integer', 'bigint', 'decimal', 'float'].includes(column.type.kind) ? 'num' : undefined}>
                    <a href={sortLink(column.name)} class="sort" data-column={column.name} title={column.name}>
                      {label(column.name)}
                      {sort === column.name ? (dir === 'asc' ? ' ▲' : ' ▼') : ''}
                    </a>
                    <div class="type">{column.type ? formatColumnType(column.type) : column.sqlType}</div>
                  </th>
                ))}
              </tr>
              <tr class="filter-row">
                <td />
                {columns.map((column) => (
                  <td>
                    <input
                      name={`f.${column.name}`}
                      value={boxes[column.name] ?? ''}
                      placeholder="filter"
                      aria-label={`filter ${column.name}`}
                    />
                  </td>
                ))}
              </tr>
            </thead>
            <tbody>
              {page.rows.map((row) => (
                <tr>
                  <td>
                    <a href={`/tables/${encodeURIComponent(table)}/rows/${row.key}`} class="detail" title="the row as JSON">
                      ⋯
                    </a>
                  </td>
                  {columns.map((column) => (
                    <td class={column.type && ['integer', 'bigint', 'decimal', 'float'].includes(column.type.kind) ? 'num' : undefined}>
                      <Cell value={row.values[column.name]} />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {/* Enter in a filter box submits the form; this button makes that explicit. */}
        <button type="submit" hidden>
          Apply
        </button>
      </form>
      {page.rows.length === 0 && <p class="muted">No rows match.</p>}
      <nav class="pager" id="pager">
        <a href={viewLink(c, table, {})}>« first</a>
        {page.previous ? <a href={viewLink(c, table, { before: page.previous })}>‹ previous</a> : <span class="muted">‹ previous</span>}
        {page.next ? <a href={viewLink(c, table, { after: page.next })}>next ›</a> : <span class="muted">next ›</span>}
        <a href={viewLink(c, table, { last: '1' })}>last »</a>
      </nav>
    </>
  );
}
