import * as z from 'zod';
import { expected } from './describe-value.js';
import { didYouMean } from './did-you-mean.js';
import { type Duration, parseDuration } from './duration.js';
import { jsonPath } from './json-path.js';

/*
 * Field schemas shared by the option sets of every layer (paginator
 * strategies, auth kinds, the client, the config file), each failing with
 * `expected <what>, got <value>` (or `is required (<what>)`), so one option
 * reads alike wherever it is written.
 */

/** A schema's `error` param that says what was expected. */
export function expecting(what: string): { error: (issue: { readonly input?: unknown }) => string } {
  return { error: (issue) => expected(what, issue.input) };
}

/**
 * Any value `test` accepts, described as `what` when it does not. `json` is
 * the same rule as JSON Schema, for the generated config schema (a test
 * function cannot be translated).
 */
export function scalar<T>(what: string, test: (value: unknown) => boolean, json: Record<string, unknown> = {}) {
  return z.custom<T>(test, expecting(what)).meta({ description: what, ...json });
}

export const positiveInteger = z.int(expecting('a positive integer')).min(1, expecting('a positive integer'));
export const nonNegativeInteger = z.int(expecting('a non-negative integer')).min(0, expecting('a non-negative integer'));
export const flag = z.boolean(expecting('true or false'));
export const nonEmptyString = z.string(expecting('a non-empty string')).refine((v) => v.trim() !== '', expecting('a non-empty string'));

/** RFC 9110 `token`: what a header name or an auth scheme may consist of. */
export const HTTP_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
export const headerName = z.string(expecting('an HTTP header name')).regex(HTTP_TOKEN, expecting('an HTTP header name'));

/** One of `values`; a near miss (`Merge`, `apend`) gets a "did you mean" hint. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, {
    error: (issue) =>
      `${expected(`one of ${values.join(', ')}`, issue.input)}${typeof issue.input === 'string' ? didYouMean(issue.input, values) : ''}`,
  });
}

/** `parseDuration`'s strings, as JSON Schema spells a pattern. */
const DURATION_PATTERN = '^\\s*\\d+(\\.\\d+)?\\s*(ms|sec|s|min|m|h|d)\\s*$';

/** A span of time, `"60s"`, `"500ms"`, `"1m"`, or milliseconds; zero only where `allowZero`. */
export function duration(allowZero = false) {
  const what = 'a duration such as "60s", "500ms" or "1m"';
  return (
    scalar<Duration>(what, (v) => typeof v === 'number' || typeof v === 'string')
      .superRefine((value, ctx) => {
        let ms: number;
        try {
          ms = parseDuration(value);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: (error as Error).message });
          return;
        }
        if (ms === 0 && !allowZero) ctx.addIssue({ code: 'custom', message: 'must be longer than 0 ms' });
      })
      // After the refinement: metadata stays with the instance it was given to.
      .meta({
        description: `${what}, or milliseconds`,
        anyOf: [
          { type: 'string', pattern: DURATION_PATTERN },
          { type: 'number', minimum: 0 },
        ],
      })
  );
}

/** A non-blank string that `problem` accepts (returns `undefined` for). */
export function checkedString(what: string, problem: (value: string) => string | undefined = () => undefined) {
  return z.string(expecting(what)).superRefine((value, ctx) => {
    const message = value.trim() === '' ? 'must not be empty' : problem(value);
    if (message !== undefined) ctx.addIssue({ code: 'custom', message });
  });
}

/** The problem a throwing parser finds, as a message; `undefined` when it parses. */
export function thrown(parse: () => unknown): string | undefined {
  try {
    parse();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** A JSON path (`data.items`, `$`), the parser's message when it is not one. */
export const jsonPathString = checkedString('a JSON path such as "data.items" or "$"', (v) => thrown(() => jsonPath(v)));
