import type * as z from 'zod';
import { describeValue, expected } from './describe-value.js';
import type { PathSegment } from './option-path.js';

/** One problem an option schema found: where, relative to the value checked, and what. */
export interface OptionIssue {
  readonly path: readonly PathSegment[];
  readonly message: string;
}

export type ParsedOptions<T> =
  | { readonly data: T; readonly issues?: undefined }
  | { readonly data?: undefined; readonly issues: OptionIssue[] };

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

/**
 * Checks `input` against an option schema and lists every problem with its
 * path, in the words of Siphon's messages (`expected a positive integer,
 * got 0`). The one translation of schema issues, for the config file and
 * for options passed in code alike.
 */
export function parseOptions<T>(schema: z.ZodType<T>, input: unknown): ParsedOptions<T> {
  const result = schema.safeParse(input, { error: errorMap, reportInput: true });
  if (result.success) return { data: result.data };
  const issues: OptionIssue[] = [];
  for (const issue of result.error.issues) collect(issue, [], issues);
  return { issues };
}

function collect(issue: z.core.$ZodIssue, base: readonly PathSegment[], out: OptionIssue[]): void {
  const path = [...base, ...issue.path.map((key) => (typeof key === 'symbol' ? String(key) : key))];
  if (issue.code === 'invalid_union') {
    // `{ name: x }` for a column fails both "a type string" and "{ name, type }";
    // the branch the value has the shape of explains it better ("type: is required").
    const shaped = issue.errors.filter((branch) => !branch.some((inner) => inner.path.length === 0 && inner.code === 'invalid_type'));
    if (shaped.length === 1) {
      for (const inner of shaped[0] as z.core.$ZodIssue[]) collect(inner, path, out);
      return;
    }
  }
  out.push({ path, message: issue.message });
}
