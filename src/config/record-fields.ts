import * as z from 'zod';
import { describeValue } from '../util/describe-value.js';
import type { AddedField } from './types.js';

/*
 * `addFields:` values: scalars as written, and strings with placeholders for
 * what the run knows (`"{run.startedAt}"`, `"{source.name}"`), filled once
 * per run. Only these names exist; anything else in braces is an error, so a
 * typo is not stored as text in every row.
 */

/** What a placeholder of `addFields` can name. */
export interface AddedFieldContext {
  readonly run: { readonly id: number; readonly startedAt: string };
  readonly source: { readonly name: string };
  readonly resource: { readonly name: string };
}

const PLACEHOLDERS = ['run.id', 'run.startedAt', 'source.name', 'resource.name'] as const;
const PLACEHOLDER = /\{([^{}]*)\}/g;

function placeholderProblem(template: string): string | undefined {
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = (match[1] as string).trim();
    if (!(PLACEHOLDERS as readonly string[]).includes(name)) {
      return `unknown placeholder {${name}}; expected one of ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}`;
    }
  }
  return undefined;
}

export const addedFieldSchema = z
  .union([z.string(), z.number(), z.boolean(), z.null()], {
    error: (issue) => `expected a string, number, boolean or null, got ${describeValue(issue.input)}`,
  })
  .superRefine((value, ctx) => {
    const problem = typeof value === 'string' ? placeholderProblem(value) : undefined;
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  });

function lookup(name: string, context: AddedFieldContext): string | number {
  switch (name) {
    case 'run.id':
      return context.run.id;
    case 'run.startedAt':
      return context.run.startedAt;
    case 'source.name':
      return context.source.name;
    default:
      return context.resource.name;
  }
}

/** The values of `addFields` for one run: a lone placeholder keeps its value's type (`{run.id}` is a number). */
export function addedFieldValues(fields: Readonly<Record<string, AddedField>>, context: AddedFieldContext): Record<string, AddedField> {
  const out: Record<string, AddedField> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value !== 'string') {
      out[name] = value;
      continue;
    }
    const lone = /^\{([^{}]*)\}$/.exec(value);
    out[name] = lone
      ? lookup((lone[1] as string).trim(), context)
      : value.replace(PLACEHOLDER, (_, key: string) => String(lookup(key.trim(), context)));
  }
  return out;
}
