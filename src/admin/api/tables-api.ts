import * as z from 'zod';
import { exportFormats } from '../../export/export-format.js';
import { formatColumnType } from '../../store/column-type.js';
import type { ColumnInfo } from '../../store/types.js';
import { AdminHttpError } from '../admin-http-error.js';
import type { AdminState } from '../admin-state.js';
import { browseParamsSchema, browseQuery } from '../browse-params.js';
import { exactJson } from '../exact-json.js';
import { exportResponse } from '../export-response.js';
import { rowJson } from '../row-json.js';
import { tableListings } from '../tables-page.js';
import { type ApiRoute, apiRoute } from './api-route.js';
import { browsePageSchema, columnSchema, rowSchema, tableListingSchema } from './api-schemas.js';

const tableParams = z.object({ table: z.string().describe('a table the config writes') });
const formatSchema = z.enum(exportFormats as ['csv', 'xlsx', 'json']);

function columnJson(column: ColumnInfo) {
  return { name: column.name, type: column.type ? formatColumnType(column.type) : null, sqlType: column.sqlType };
}

/** The config's tables, their columns, their rows as the data browser pages them, one row, and exports of a view. */
export function tablesApi(state: AdminState): ApiRoute[] {
  return [
    apiRoute({
      method: 'get',
      path: '/tables',
      operationId: 'listTables',
      summary: 'The tables the config writes, whether each exists, and its row count',
      tag: 'tables',
      response: { kind: 'json', schema: z.object({ tables: z.array(tableListingSchema) }) },
      handle: async () => exactJson({ tables: (await tableListings(state)).map((table) => ({ ...table, rows: table.rows ?? null })) }),
    }),
    apiRoute({
      method: 'get',
      path: '/tables/:table',
      operationId: 'getTable',
      summary: "A table's columns and key",
      tag: 'tables',
      params: tableParams,
      response: { kind: 'json', schema: z.object({ name: z.string(), columns: z.array(columnSchema), primaryKey: z.array(z.string()) }) },
      handle: async (_c, { params }) => {
        const table = state.table(params.table);
        const page = await state.store.browse.page({ table, limit: 1 });
        return exactJson({ name: table, columns: page.columns.map(columnJson), primaryKey: page.primaryKey });
      },
    }),
    apiRoute({
      method: 'get',
      path: '/tables/:table/rows',
      operationId: 'listRows',
      summary: 'A page of rows: sorted by any column, searched, filtered, in keyset pages',
      tag: 'tables',
      params: tableParams,
      query: browseParamsSchema,
      response: { kind: 'json', schema: browsePageSchema },
      handle: async (c, { params }) => {
        const table = state.table(params.table);
        const page = await state.store.browse.page(browseQuery(c, table).query);
        return exactJson({
          table,
          columns: page.columns.map(columnJson),
          primaryKey: page.primaryKey,
          rows: page.rows.map((row) => ({ key: row.key, values: rowJson(page.columns, row.values) })),
          next: page.next ?? null,
          previous: page.previous ?? null,
        });
      },
    }),
    apiRoute({
      method: 'get',
      path: '/tables/:table/rows/:key',
      operationId: 'getRow',
      summary: 'One row, by the key a page gave it',
      tag: 'tables',
      params: tableParams.extend({ key: z.string().describe('`key` of a row of a page') }),
      response: { kind: 'json', schema: rowSchema },
      handle: async (_c, { params }) => {
        const table = state.table(params.table);
        const row = await state.store.browse.row(table, params.key);
        if (!row) throw new AdminHttpError(404, `no such row in ${table}`);
        return exactJson({ table, key: params.key, values: rowJson(await state.store.tableColumns(table), row) });
      },
    }),
    apiRoute({
      method: 'get',
      path: '/tables/:table/export',
      operationId: 'exportTable',
      summary: 'The rows of a view (the same sort and filters as /rows, every page) as CSV, XLSX or JSON, streamed',
      tag: 'tables',
      params: tableParams,
      query: browseParamsSchema.extend({ format: formatSchema.default('csv') }),
      response: {
        kind: 'file',
        types: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/json'],
      },
      handle: async (c, { params, query }) => {
        const table = state.table(params.table);
        const columns = await state.store.tableColumns(table);
        const result = await state.store.browse.rows(browseQuery(c, table).query);
        return exportResponse({
          columns: columns.map((column) => ({ name: column.name, type: column.type })),
          rows: result.rows,
          format: query.format,
          name: table,
        });
      },
    }),
  ];
}
