import * as z from 'zod';
import { authConfigSchema, authKinds } from '../http/auth/registry.js';
import { autoOptionsSchema } from '../pagination/auto.js';
import { paginatorConfigSchema, paginatorTypes } from '../pagination/registry.js';
import { strategies } from '../pagination/strategies.js';
import { siphonConfigSchema } from './schema.js';

type JsonSchema = Record<string, unknown>;

/** The file name the package ships the schema as, beside its package.json. */
export const CONFIG_SCHEMA_FILE = 'siphon.schema.json';

/**
 * The config file's JSON Schema (draft 2020-12), generated from the zod
 * schema that validates it, for editors (`# yaml-language-server: $schema=…`).
 * What zod cannot translate is given here as plain JSON Schema: paginator and
 * auth configs (checked by each strategy's or kind's own schema, chosen by
 * `type`), and values only code passes (bigint parameters). Semantic checks
 * (cron expressions, JSON paths, identifiers) stay with `siphon check`.
 */
export function configJsonSchema(): JsonSchema {
  const schema = toJson(siphonConfigSchema);
  return {
    $schema: schema.$schema,
    title: 'Siphon config',
    description:
      'siphon.yaml / siphon.json: sources, their resources and the SQL database they are kept in. See the README of siphon-sync.',
    ...Object.fromEntries(Object.entries(schema).filter(([key]) => key !== '$schema')),
  };
}

/** {@link configJsonSchema} as the text of the shipped file. */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}

function toJson(schema: z.ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', override }) as JsonSchema;
  assertConstrained(json, '');
  return json;
}

/**
 * What zod could not translate comes out as `{}` (anything goes): a new
 * `z.custom` without a JSON Schema of its own (scalar's `json`) would
 * silently accept everything in editors, so it stops the build instead.
 */
function assertConstrained(node: unknown, path: string): void {
  if (Array.isArray(node)) {
    for (const [index, item] of node.entries()) assertConstrained(item, `${path}[${index}]`);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    const here = path ? `${path}.${key}` : key;
    const children = key === 'properties' && value !== null && typeof value === 'object' ? Object.entries(value) : [];
    for (const [name, child] of children) {
      const keys = Object.keys(child as object).filter((k) => k !== 'description');
      if (keys.length === 0)
        throw new TypeError(`the config schema cannot say what ${here}.${name} holds; give its zod schema a JSON Schema`);
    }
    assertConstrained(value, here);
  }
}

function override(ctx: { zodSchema: z.core.$ZodTypes; jsonSchema: z.core.JSONSchema.BaseSchema }): void {
  const { zodSchema, jsonSchema } = ctx;
  const plain = plainSchema(zodSchema);
  if (plain !== undefined) {
    replace(jsonSchema, plain);
    return;
  }
  // strictOptions objects are loose for zod (they report unknown keys themselves, with a hint): for an editor they are closed.
  if (zodSchema._zod.def.type === 'object' && isEmptyObject(jsonSchema.additionalProperties)) jsonSchema.additionalProperties = false;
}

/** The JSON Schema for what zod cannot translate itself, or `undefined`. */
function plainSchema(zodSchema: z.core.$ZodTypes): JsonSchema | undefined {
  if (zodSchema === (paginatorConfigSchema as unknown)) return paginatorJson();
  if (zodSchema === (authConfigSchema as unknown)) return authJson();
  // Only code passes these (`params` of the library API); a file never holds them.
  if (zodSchema._zod.def.type === 'bigint') return { type: 'integer' };
  if (zodSchema._zod.def.type === 'undefined') return { not: {} };
  return undefined;
}

function paginatorJson(): JsonSchema {
  const options = [...Object.values(strategies).map((strategy) => strategy.schema), autoOptionsSchema].map((schema) => part(schema));
  return {
    description: 'how the pages are walked: a strategy name, or { type, …its options }',
    anyOf: [{ type: 'string', enum: [...paginatorTypes] }, ...options],
  };
}

function authJson(): JsonSchema {
  return {
    description: 'credentials sent to the source, and only to its origin',
    anyOf: Object.values(authKinds).map((kind) => part(kind.schema as z.ZodType)),
  };
}

/** A sub-schema for embedding: without its own `$schema`. */
function part(schema: z.ZodType): JsonSchema {
  const { $schema: _, ...rest } = toJson(schema);
  return rest;
}

function replace(target: z.core.JSONSchema.BaseSchema, value: JsonSchema): void {
  for (const key of Object.keys(target)) delete target[key];
  Object.assign(target, value);
}

function isEmptyObject(value: unknown): boolean {
  return value !== null && typeof value === 'object' && Object.keys(value).length === 0;
}
