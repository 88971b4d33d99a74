import * as z from 'zod';
import type { AdminContext } from './admin-env.js';
import { AdminHttpError } from './admin-http-error.js';

/** `input` checked by `schema`; a problem is a 400 naming each field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.message}`);
  throw new AdminHttpError(400, problems.join('; '));
}

/** Whether a schema (optional or not) takes a list. */
function isList(schema: z.ZodType | undefined): boolean {
  let current: unknown = schema;
  for (let depth = 0; depth < 4 && current; depth += 1) {
    if (current instanceof z.ZodArray) return true;
    if (current instanceof z.ZodOptional || current instanceof z.ZodDefault) current = current.unwrap();
    else if (current instanceof z.ZodPipe) current = current.out;
    else return false;
  }
  return false;
}

/**
 * The query string as `schema` reads it: one value per parameter, or every
 * value of a repeated one (`filter=a&filter=b`) where the schema takes a list.
 */
export function queryInput(c: AdminContext, schema: z.ZodObject): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, values] of Object.entries(c.req.queries())) {
    out[key] = isList(schema.shape[key] as z.ZodType | undefined) ? values : (values[0] ?? '');
  }
  return out;
}

/** The query string checked by `schema`. */
export function parseQuery<S extends z.ZodObject>(c: AdminContext, schema: S): z.output<S> {
  return parseInput(schema, queryInput(c, schema));
}
