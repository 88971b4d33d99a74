import * as z from 'zod';
import { describeValue } from '../util/describe-value.js';
import { closest } from '../util/did-you-mean.js';
import { jsonPath } from '../util/json-path.js';
import { flag, oneOf, positiveInteger } from '../util/option-fields.js';
import { strictOptions } from '../util/strict-options.js';

/** A JSON path option, checked by the parser the strategy will use. */
export const jsonPathOption = z
  .string({ error: (issue) => `expected a JSON path string, got ${describeValue(issue.input)}` })
  .superRefine((value, ctx) => {
    try {
      jsonPath(value);
    } catch (error) {
      // The parser's message already quotes the path and the position.
      ctx.addIssue({ code: 'custom', message: `expected a valid JSON path (${(error as Error).message}), got ${describeValue(value)}` });
    }
  });

/** Where a strategy sends its page, offset or cursor parameter (see {@link ParamLocationOption}). */
export const paramLocation = oneOf(['query', 'body']);

/** The `in` option of the strategies that send a parameter. */
export interface ParamLocationOption {
  /**
   * Where the parameter goes: the query, or the request body (a POST or PUT
   * with `json` or `form`), where its name is a JSON path (`paging.cursor`)
   * or a form field. Base values it reads (a limit, a page size) are then
   * read from the body too.
   * @default 'query'
   */
  in?: 'query' | 'body';
}

/** Where a paginator config sends its parameter: its `in`, else the query; `relay` sends its cursor in the GraphQL variables. */
export function paramLocationOf(paginator: unknown): 'query' | 'body' {
  if (paginator === null || typeof paginator !== 'object') return 'query';
  const { in: location, type } = paginator as { in?: unknown; type?: unknown };
  return location === 'body' || type === 'relay' ? 'body' : 'query';
}

/** The options of {@link StopOptions}, which every strategy but `single` takes. */
export const stopOptionsShape = {
  stopOnEmpty: flag.optional(),
  pageSize: positiveInteger.optional(),
  totalPath: jsonPathOption.optional(),
  totalPagesPath: jsonPathOption.optional(),
  hasMorePath: jsonPathOption.optional(),
  maxPages: positiveInteger.optional(),
};

/**
 * The option schema of one strategy: `type` (optional, since the factory is
 * also called without it) and `shape`, every other key an error that names
 * the strategy and its valid options.
 */
export function strategyOptions<const Type extends string, const Shape extends z.ZodRawShape>(type: Type, shape: Shape) {
  return strictOptions({ type: z.literal(type).optional(), ...shape }, (key, valid) => {
    // A typo one or two edits away from a real option gets named, short keys included.
    const suggestion = closest(key, valid, 2);
    const hint = suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`;
    return `unknown option "${key}" for the ${type} paginator${hint}; valid options: ${valid.join(', ')}`;
  });
}
