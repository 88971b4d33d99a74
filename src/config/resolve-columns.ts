import { type ColumnType, parseColumnType } from '../store/column-type.js';
import { jsonPath } from '../util/json-path.js';
import { joinPath } from '../util/option-path.js';
import { snakeCase as toSnakeCase } from '../util/snake-case.js';
import { identifierProblem } from './identifier.js';
import type { IssueList } from './issue-list.js';
import type { ResolvedColumn, ResourceConfig } from './types.js';

export interface ResolvedColumns {
  /** Declared columns in file order, then implicit primary-key columns. */
  readonly columns: ResolvedColumn[];
  /** Record fields of the primary key, in order. */
  readonly primaryKeyFields: string[];
  /** Column names of the primary key, in order. */
  readonly primaryKey: string[];
}

/**
 * `columns` and `primaryKey` of one resource as table columns. A column's
 * name defaults to its field in snake_case (`userId` → `user_id`, the rule
 * of src/util/snake-case.ts that inferred columns follow too); with `path`
 * the key names the column and `path` is the field. A primary-key field
 * without a declared column gets one without a type: it is typed from its
 * values like any inferred column (ids become bigint, so they sort 1, 2, 10
 * and join with other integer columns).
 */
export function resolveColumns(resource: ResourceConfig, path: string, issues: IssueList): ResolvedColumns {
  const columns: ResolvedColumn[] = [];
  // Lower-cased column name → field: SQL folds the case of plain names.
  const byName = new Map<string, string>();
  const byField = new Map<string, ResolvedColumn>();

  const add = (field: string, name: string, type: ColumnType | undefined, at: string, implicit: boolean): void => {
    const problem = identifierProblem(name, 'column');
    if (problem !== undefined) {
      issues.add(
        at,
        implicit
          ? `${problem}; declare the column under columns with a name`
          : `${problem} (the default name of field "${field}"); set a name`,
      );
      return;
    }
    const other = byName.get(name.toLowerCase());
    if (other !== undefined) {
      issues.add(at, `column name "${name}" is also the column of field "${other}"; give one of them another name`);
      return;
    }
    byName.set(name.toLowerCase(), field);
    const column: ResolvedColumn = { field, name, type };
    byField.set(field, column);
    columns.push(column);
  };

  for (const [field, config] of Object.entries(resource.columns ?? {})) {
    const at = joinPath(path, 'columns', field);
    if (!validField(field, at, issues)) continue;
    const declared = typeof config === 'string' ? { type: config } : config;
    if (declared.type === undefined) {
      issues.add(joinPath(at, 'type'), 'is required (text, integer, bigint, decimal(p,s), float, boolean, timestamp or json)');
      continue;
    }
    let type: ColumnType;
    try {
      type = parseColumnType(declared.type);
    } catch (error) {
      issues.add(typeof config === 'string' ? at : joinPath(at, 'type'), (error as Error).message);
      continue;
    }
    const nested = 'path' in declared ? declared.path : undefined;
    const name = declared.name ?? toSnakeCase(field);
    add(nested ?? field, name, type, declared.name === undefined ? at : joinPath(at, 'name'), false);
  }

  const primaryKeyFields =
    resource.primaryKey === undefined ? [] : typeof resource.primaryKey === 'string' ? [resource.primaryKey] : [...resource.primaryKey];
  const primaryKey: string[] = [];
  primaryKeyFields.forEach((field, index) => {
    const at = typeof resource.primaryKey === 'string' ? joinPath(path, 'primaryKey') : joinPath(path, 'primaryKey', index);
    if (primaryKeyFields.indexOf(field) !== index) {
      issues.add(at, `field "${field}" is listed twice`);
      return;
    }
    if (!validField(field, at, issues)) return;
    const declared = byField.get(field);
    if (declared !== undefined) {
      primaryKey.push(declared.name);
      return;
    }
    // Naming the column instead of the field is an easy slip: the key would read a field no record has.
    const owner = columns.find((column) => column.name === field);
    if (owner !== undefined) {
      issues.add(
        at,
        `"${field}" is not a record field but the column name of field "${owner.field}"; primaryKey lists record fields (use "${owner.field}")`,
      );
      return;
    }
    const before = columns.length;
    add(field, toSnakeCase(field), undefined, at, true);
    if (columns.length > before) primaryKey.push((columns[columns.length - 1] as ResolvedColumn).name);
  });

  return { columns, primaryKeyFields, primaryKey };
}

function validField(field: string, at: string, issues: IssueList): boolean {
  try {
    jsonPath(field);
    return true;
  } catch (error) {
    issues.add(at, `field ${(error as Error).message}`);
    return false;
  }
}
