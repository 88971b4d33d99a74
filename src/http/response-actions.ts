import * as z from 'zod';
import { expected } from '../util/describe-value.js';
import { sameValue } from '../util/exact-compare.js';
import { type JsonPath, jsonPath } from '../util/json-path.js';
import { expecting, jsonPathString, oneOf } from '../util/option-fields.js';
import { strictOptions } from '../util/strict-options.js';

/**
 * What to do with a response a rule matches:
 * - `ignore`: the page has no records and the walk ends there (a child of a
 *   deleted parent answering 404), counted and reported, the run goes on;
 * - `retry`: retried with the client's backoff, like a status in `retry.statuses`;
 * - `fail`: the run fails, even on a 2xx.
 */
export type ResponseActionKind = 'ignore' | 'retry' | 'fail';

/**
 * One rule of `responseActions`. Every condition given must hold; a rule
 * needs at least one. Rules are tried in order and the first that matches
 * decides; a response no rule matches is handled as without rules.
 */
export interface ResponseAction {
  /** The status, or one of these statuses. */
  status?: number | number[];
  /** Text the raw body contains (case-sensitive). */
  contains?: string;
  /** JSON path of a value in the body that must equal `equals`. */
  path?: string;
  /** The value at `path`; numbers compare exactly (a bigint, a decimal string). */
  equals?: string | number | boolean | null;
  action: ResponseActionKind;
}

const statusCode = z
  .int(expecting('an HTTP status code (100-599)'))
  .min(100, expecting('an HTTP status code (100-599)'))
  .max(599, expecting('an HTTP status code (100-599)'));

/** The schema of one rule, for the walk and the config file. */
export const responseActionSchema = strictOptions({
  status: z
    .union([statusCode, z.array(statusCode).min(1, 'must list at least one status')], {
      error: (issue) => expected('an HTTP status code or a list of them', issue.input),
    })
    .optional(),
  contains: z.string(expecting('a string')).min(1, 'must not be empty').optional(),
  path: jsonPathString.optional(),
  equals: z.union([z.string(), z.number(), z.boolean(), z.null()], expecting('a string, number, boolean or null')).optional(),
  action: oneOf(['ignore', 'retry', 'fail']),
}).superRefine((rule, ctx) => {
  if (rule.status === undefined && rule.contains === undefined && rule.path === undefined) {
    ctx.addIssue({ code: 'custom', message: 'a rule needs a condition: status, contains, or path with equals' });
  }
  if ((rule.path === undefined) !== (rule.equals === undefined)) {
    const [missing, given] = rule.path === undefined ? ['path', 'equals'] : ['equals', 'path'];
    ctx.addIssue({ code: 'custom', path: [missing], message: `${given} needs ${missing} (the value at a JSON path of the body)` });
  }
});

/** `responseActions`: the rules in the order they are tried. */
export const responseActionsSchema = z.array(responseActionSchema, expecting('a list of rules such as { status: 404, action: ignore }'));

responseActionSchema satisfies z.ZodType<ResponseAction>;

/** A rule ready to test responses. */
export interface ResponseActionMatcher {
  readonly action: ResponseActionKind;
  /** The rule in words, for events and messages: `status 404`, `error.code = "NOT_READY"`. */
  readonly rule: string;
  matches(status: number, text: string, body: () => unknown): boolean;
}

/** Compiles rules that passed {@link responseActionsSchema}. */
export function responseActionMatchers(rules: readonly ResponseAction[] | undefined): readonly ResponseActionMatcher[] {
  return (rules ?? []).map((rule) => {
    const statuses = rule.status === undefined ? undefined : new Set(Array.isArray(rule.status) ? rule.status : [rule.status]);
    const path: JsonPath | undefined = rule.path === undefined ? undefined : jsonPath(rule.path);
    const words = [
      statuses && `status ${[...statuses].join('|')}`,
      rule.contains !== undefined && `body contains ${JSON.stringify(rule.contains)}`,
      path && `${path.source} = ${JSON.stringify(rule.equals)}`,
    ].filter((part): part is string => typeof part === 'string');
    return {
      action: rule.action,
      rule: words.join(', '),
      matches(status, text, body) {
        if (statuses && !statuses.has(status)) return false;
        if (rule.contains !== undefined && !text.includes(rule.contains)) return false;
        if (path && !sameValue(path.get(body()), rule.equals)) return false;
        return true;
      },
    };
  });
}
