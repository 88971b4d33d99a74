import type * as z from 'zod';
import { describeValue, expected } from '../util/describe-value.js';
import { joinPath } from './config-path.js';
import type { IssueList } from './issue-list.js';

const EXPECTED: Readonly<Record<string, string>> = {
  object: 'a mapping',
  record: 'a mapping of names',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
};

/** Messages for the issues whose schema did not set one. */
const errorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      return expected(EXPECTED[issue.expected] ?? issue.expected, issue.input);
    case 'invalid_value':
      return expected(`one of ${issue.values.map(String).join(', ')}`, issue.input);
    case 'too_small':
      if (issue.origin === 'array' || issue.origin === 'string') return 'must not be empty';
      return `must be ${issue.inclusive ? 'at least' : 'more than'} ${String(issue.minimum)}, got ${describeValue(issue.input)}`;
    case 'too_big':
      return `must be ${issue.inclusive ? 'at most' : 'less than'} ${String(issue.maximum)}, got ${describeValue(issue.input)}`;
    case 'invalid_key':
      return `${describeValue(issue.input)} is not a valid key here`;
    case 'invalid_union':
      return `${describeValue(issue.input)} is not valid here`;
    default:
      return undefined;
  }
};

export interface ParseOutcome<T> {
  /** The parsed value, or `undefined` when there was a problem. */
  readonly data: T | undefined;
  /** Top-level keys of `input` that have a problem (unknown keys included). */
  readonly brokenKeys: ReadonlySet<string>;
}

/**
 * Parses `input` with `schema`; every problem becomes an issue under
 * `basePath`.
 */
export function parseWith<T>(schema: z.ZodType<T>, input: unknown, basePath: string, issues: IssueList): ParseOutcome<T> {
  const result = schema.safeParse(input, { error: errorMap, reportInput: true });
  if (result.success) return { data: result.data, brokenKeys: new Set() };
  const brokenKeys = new Set<string>();
  for (const issue of result.error.issues) {
    report(issue, basePath, issues);
    const [first] = issue.path;
    if (typeof first === 'string') brokenKeys.add(first);
  }
  return { data: undefined, brokenKeys };
}

function report(issue: z.core.$ZodIssue, basePath: string, issues: IssueList): void {
  const path = joinPath(basePath, ...issue.path.map((key) => (typeof key === 'symbol' ? String(key) : key)));
  if (issue.code === 'invalid_union') {
    // `{ name: x }` for a column fails both "a type string" and "{ name, type }";
    // the branch the value has the shape of explains it better ("type: is required").
    const shaped = issue.errors.filter((branch) => !branch.some((inner) => inner.path.length === 0 && inner.code === 'invalid_type'));
    if (shaped.length === 1) {
      for (const inner of shaped[0] as z.core.$ZodIssue[]) report(inner, path, issues);
      return;
    }
  }
  issues.add(path, issue.message);
}
