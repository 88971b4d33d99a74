import * as z from 'zod';
import { describeValue } from '../util/describe-value.js';
import { compareValues, sameValue } from '../util/exact-compare.js';
import { jsonPath } from '../util/json-path.js';
import { jsonPathString } from '../util/option-fields.js';
import { parseOptions } from '../util/option-issues.js';
import { strictOptions } from '../util/strict-options.js';

/*
 * `filter:` of a resource: which records are kept, as data rather than code
 * (nothing a config says is ever evaluated), so a YAML file can say it and
 * `siphon check` can check it. In siphon.config.ts a function does too.
 */

/** A value a condition compares with; numbers compare exactly (see util/exact-compare.ts). */
export type FilterValue = string | number | boolean | null;

/**
 * One field's conditions, all of which must hold: `{ path: status, in: [active, pending] }`,
 * `{ path: price, gte: "10.50", lt: 100 }`, `{ path: deleted_at, exists: false }`.
 */
export interface FieldCondition {
  /** JSON path of the value in the record (`status`, `owner.login`). */
  path: string;
  eq?: FilterValue;
  ne?: FilterValue;
  gt?: FilterValue;
  gte?: FilterValue;
  lt?: FilterValue;
  lte?: FilterValue;
  /** The value equals one of these. */
  in?: FilterValue[];
  /** Whether the field is present (with any value, null included). */
  exists?: boolean;
}

/** A filter expression: a field's conditions, or `and`/`or`/`not` of expressions. */
export type FilterExpression = FieldCondition | { and: FilterExpression[] } | { or: FilterExpression[] } | { not: FilterExpression };

/** `filter` in siphon.config.ts may also be a function of the record. */
export type RecordPredicate = (record: Record<string, unknown>) => boolean;

const OPERATORS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'exists'] as const;

const filterValue = z.union([z.string(), z.number(), z.boolean(), z.null()], {
  error: (issue) => `expected a string, number, boolean or null, got ${describeValue(issue.input)}`,
});

const fieldCondition = strictOptions({
  path: jsonPathString,
  eq: filterValue.optional(),
  ne: filterValue.optional(),
  gt: filterValue.optional(),
  gte: filterValue.optional(),
  lt: filterValue.optional(),
  lte: filterValue.optional(),
  in: z.array(filterValue, { error: (issue) => `expected a list of values, got ${describeValue(issue.input)}` }).optional(),
  exists: z.boolean({ error: (issue) => `expected true or false, got ${describeValue(issue.input)}` }).optional(),
}).superRefine((condition, ctx) => {
  if (!OPERATORS.some((op) => condition[op] !== undefined)) {
    ctx.addIssue({ code: 'custom', message: `a condition on "${condition.path}" needs an operator: ${OPERATORS.join(', ')}` });
  }
});

const WHAT = 'a filter such as { path: status, in: [active, pending] }, or { and: [...] }, { or: [...] }, { not: {...} }';

/** The issues of `value` as a filter expression, paths relative to it. */
function filterIssues(value: unknown, path: (string | number)[], out: { path: (string | number)[]; message: string }[]): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    out.push({ path, message: `expected ${WHAT}, got ${describeValue(value)}` });
    return;
  }
  const keys = Object.keys(value);
  const combinator = keys.find((key) => key === 'and' || key === 'or' || key === 'not');
  if (combinator === undefined) {
    const parsed = parseOptions(fieldCondition, value);
    for (const issue of parsed.issues ?? []) out.push({ path: [...path, ...issue.path], message: issue.message });
    return;
  }
  if (keys.length > 1) {
    const other = keys.find((key) => key !== combinator) as string;
    out.push({ path: [...path, other], message: `${combinator} stands alone; put "${other}" in a condition inside it` });
    return;
  }
  const inner = (value as Record<string, unknown>)[combinator];
  if (combinator === 'not') {
    filterIssues(inner, [...path, 'not'], out);
    return;
  }
  if (!Array.isArray(inner) || inner.length === 0) {
    out.push({ path: [...path, combinator], message: `expected a non-empty list of filters, got ${describeValue(inner)}` });
    return;
  }
  for (const [index, item] of inner.entries()) filterIssues(item, [...path, combinator, index], out);
}

const FILTER_JSON = {
  description: `${WHAT}; in siphon.config.ts also a function of the record`,
  type: 'object',
  minProperties: 1,
};

/** `filter`: an expression (checked to its leaves), or in code a function. */
export const recordFilterSchema = z
  .custom<FilterExpression | RecordPredicate>(() => true)
  .superRefine((value, ctx) => {
    if (typeof value === 'function') return;
    const issues: { path: (string | number)[]; message: string }[] = [];
    filterIssues(value, [], issues);
    for (const issue of issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  })
  .meta(FILTER_JSON);

/** A filter that passed {@link recordFilterSchema}, as a test of a record. */
export function compileFilter(filter: FilterExpression | RecordPredicate): (record: unknown) => boolean {
  if (typeof filter === 'function') return (record) => filter(record as Record<string, unknown>) === true;
  if ('and' in filter) {
    const parts = filter.and.map(compileFilter);
    return (record) => parts.every((part) => part(record));
  }
  if ('or' in filter) {
    const parts = filter.or.map(compileFilter);
    return (record) => parts.some((part) => part(record));
  }
  if ('not' in filter) {
    const inner = compileFilter(filter.not);
    return (record) => !inner(record);
  }
  const path = jsonPath(filter.path);
  const tests: ((value: unknown) => boolean)[] = [];
  const ordered = (expected: FilterValue, holds: (order: number) => boolean) => (value: unknown) => {
    const order = compareValues(value, expected);
    return order !== undefined && holds(order);
  };
  if (filter.exists !== undefined) tests.push((value) => (value !== undefined) === filter.exists);
  if (filter.eq !== undefined) tests.push((value) => sameValue(value, filter.eq));
  if (filter.ne !== undefined) tests.push((value) => value !== undefined && !sameValue(value, filter.ne));
  if (filter.gt !== undefined) tests.push(ordered(filter.gt, (order) => order > 0));
  if (filter.gte !== undefined) tests.push(ordered(filter.gte, (order) => order >= 0));
  if (filter.lt !== undefined) tests.push(ordered(filter.lt, (order) => order < 0));
  if (filter.lte !== undefined) tests.push(ordered(filter.lte, (order) => order <= 0));
  if (filter.in !== undefined) {
    const options = filter.in;
    tests.push((value) => options.some((option) => sameValue(value, option)));
  }
  return (record) => {
    const value = path.get(record);
    return tests.every((test) => test(value));
  };
}
