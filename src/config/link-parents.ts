import { didYouMean } from '../util/did-you-mean.js';
import { joinPath } from '../util/option-path.js';
import { snakeCase as toSnakeCase } from '../util/snake-case.js';
import { identifierProblem } from './identifier.js';
import type { IssueList } from './issue-list.js';
import type { ParentLink, ResolvedColumn } from './types.js';

/** What linking needs to know of one resource of a source. */
export interface LinkCandidate {
  readonly name: string;
  /** Config path of the resource. */
  readonly path: string;
  /** The resource's `path`, with its placeholders. */
  readonly urlPath: string;
  /** Its columns; a child gets one appended per parent link. */
  readonly columns: ResolvedColumn[];
  /** Strings of its query params and body, each at its config path: `{parent.field}` there links a parent too. */
  readonly requestTexts?: readonly { readonly at: string; readonly text: string }[] | undefined;
}

export interface ParentInfo {
  /** Name of the parent resource within the source. */
  readonly name: string;
  readonly links: readonly ParentLink[];
}

const PLACEHOLDER = /\{([^{}]*)\}/g;
const REFERENCE = /^([A-Za-z_][A-Za-z0-9_-]*)\.(.+)$/;
// In a param or body a brace may be text (a JSON or GraphQL snippet): only `{name.field}` without spaces is a placeholder.
const REQUEST_PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_-]*\.[^{}\s]+)\}/g;

/**
 * Reads the `{resource.field}` placeholders of each path: the resource must be
 * another of the same source, the field one of its columns (or key fields),
 * and each child gets a column `<parent>_<field>` of the parent column's
 * type recording which parent row it came from. `invalid` names resources
 * that exist but failed their own checks: placeholders naming them are not
 * reported again.
 */
export function linkParents(
  candidates: readonly LinkCandidate[],
  sourceName: string,
  invalid: ReadonlySet<string>,
  issues: IssueList,
): Map<string, ParentInfo> {
  const byName = new Map(candidates.map((candidate) => [candidate.name, candidate]));
  const names = [...new Set([...byName.keys(), ...invalid])];
  const parents = new Map<string, ParentInfo>();

  for (const child of candidates) {
    const at = joinPath(child.path, 'path');
    const withoutPlaceholders = child.urlPath.replace(PLACEHOLDER, '');
    if (/[{}]/.test(withoutPlaceholders)) {
      issues.add(at, 'has an unbalanced "{" or "}"; placeholders look like {posts.id}');
      continue;
    }
    let parentName: string | undefined;
    const links: ParentLink[] = [];
    const occurrences = [
      ...[...child.urlPath.matchAll(PLACEHOLDER)].map((match) => ({ match, at })),
      ...(child.requestTexts ?? []).flatMap((item) =>
        [...item.text.matchAll(REQUEST_PLACEHOLDER)].map((match) => ({ match, at: item.at })),
      ),
    ];
    for (const {
      match: [placeholder, inner],
      at,
    } of occurrences) {
      if (links.some((link) => link.placeholder === placeholder)) continue;
      const reference = REFERENCE.exec(inner as string);
      if (!reference) {
        issues.add(at, `placeholder ${placeholder} must name a parent resource and its field, e.g. {posts.id}`);
        continue;
      }
      const [, name, field] = reference as unknown as [string, string, string];
      if (name === child.name) {
        issues.add(at, `placeholder ${placeholder} names the resource itself; a parent must be another resource`);
        continue;
      }
      if (parentName !== undefined && name !== parentName) {
        issues.add(at, `placeholder ${placeholder} names a second parent; a resource has one parent (${parentName})`);
        continue;
      }
      parentName = name;
      const parent = byName.get(name);
      if (parent === undefined) {
        if (!invalid.has(name)) {
          issues.add(
            at,
            `placeholder ${placeholder}: source ${sourceName} has no resource "${name}"${didYouMean(name, names)}; its resources: ${names.join(', ')}`,
          );
        }
        continue;
      }
      const parentColumn = parent.columns.find((column) => column.field === field);
      if (parentColumn === undefined) {
        issues.add(
          at,
          `placeholder ${placeholder}: ${name} has no column or primaryKey field "${field}"; declare it under ${joinPath(parent.path, 'columns')}`,
        );
        continue;
      }
      const column = `${toSnakeCase(name)}_${toSnakeCase(field)}`;
      const problem = identifierProblem(column, 'column');
      if (problem !== undefined) {
        issues.add(at, `placeholder ${placeholder} records the parent in a column: ${problem}`);
        continue;
      }
      if (child.columns.some((existing) => existing.name.toLowerCase() === column.toLowerCase())) {
        issues.add(
          at,
          `placeholder ${placeholder} records the parent in column "${column}", which the resource already has; rename that column`,
        );
        continue;
      }
      links.push({ placeholder, parentField: field, parentColumn: parentColumn.name, column });
      // `field` is the placeholder: the value comes from the parent row, not from the record.
      child.columns.push({ field: placeholder, name: column, type: parentColumn.type });
    }
    if (parentName !== undefined && links.length > 0) parents.set(child.name, { name: parentName, links });
  }

  reportCycles(candidates, parents, issues);
  return parents;
}

function reportCycles(candidates: readonly LinkCandidate[], parents: ReadonlyMap<string, ParentInfo>, issues: IssueList): void {
  const paths = new Map(candidates.map((candidate) => [candidate.name, candidate.path]));
  const reported = new Set<string>();
  for (const { name } of candidates) {
    const chain: string[] = [];
    let current: string | undefined = name;
    while (current !== undefined && !chain.includes(current)) {
      chain.push(current);
      current = parents.get(current)?.name;
    }
    if (current === undefined || reported.has(current)) continue;
    const cycle = chain.slice(chain.indexOf(current));
    for (const member of cycle) {
      reported.add(member);
      issues.add(
        joinPath(paths.get(member) as string, 'path'),
        `parents form a cycle: ${[...cycle, cycle[0]].join(' → ')} (child → parent)`,
      );
    }
  }
}

/** `items` with every parent before its children, file order otherwise. */
export function parentsFirst<T extends { readonly name: string }>(
  items: readonly T[],
  parentOf: (name: string) => string | undefined,
): T[] {
  const byName = new Map(items.map((item) => [item.name, item]));
  const ordered: T[] = [];
  const placed = new Set<string>();
  const visiting = new Set<string>();
  const place = (item: T): void => {
    if (placed.has(item.name) || visiting.has(item.name)) return;
    visiting.add(item.name);
    const parent = parentOf(item.name);
    const parentItem = parent === undefined ? undefined : byName.get(parent);
    if (parentItem !== undefined) place(parentItem);
    placed.add(item.name);
    ordered.push(item);
  };
  for (const item of items) place(item);
  return ordered;
}
