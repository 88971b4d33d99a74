import type * as z from 'zod';
import { parseOptions } from '../util/option-issues.js';
import { joinPath } from '../util/option-path.js';
import type { IssueList } from './issue-list.js';

export interface ParseOutcome<T> {
  /** The parsed value, or `undefined` when there was a problem. */
  readonly data: T | undefined;
  /** Top-level keys of `input` that have a problem (unknown keys included). */
  readonly brokenKeys: ReadonlySet<string>;
}

/** Parses `input` with `schema`; every problem becomes an issue under `basePath`. */
export function parseWith<T>(schema: z.ZodType<T>, input: unknown, basePath: string, issues: IssueList): ParseOutcome<T> {
  const parsed = parseOptions(schema, input);
  if (parsed.issues === undefined) return { data: parsed.data, brokenKeys: new Set() };
  const brokenKeys = new Set<string>();
  for (const issue of parsed.issues) {
    issues.add(joinPath(basePath, ...issue.path), issue.message);
    const [first] = issue.path;
    if (typeof first === 'string') brokenKeys.add(first);
  }
  return { data: undefined, brokenKeys };
}
