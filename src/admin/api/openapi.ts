import * as z from 'zod';
import { API_BASE, type ApiRoute } from './api-route.js';

type Json = Record<string, unknown>;

/** JSON Schema 2020-12, which OpenAPI 3.1 takes as it is; the dialect is the document's, not each schema's. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Json;
  return rest;
}

const ERROR = {
  description: 'the problem',
  content: { 'application/json': { schema: { type: 'object', properties: { error: { type: 'string' }, message: { type: 'string' } } } } },
};

/** OpenAPI 3.1 for the routes, generated from the same zod schemas that check their input. */
export function openApiDocument(routes: readonly ApiRoute[], version: string): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of routes) {
    const path = `${API_BASE}${route.path}`.replace(/:([A-Za-z_]+)(\{[^}]*\})?/g, '{$1}');
    const parameters = [...parametersOf(route.params, 'path'), ...parametersOf(route.query, 'query')];
    paths[path] ??= {};
    paths[path][route.method] = {
      operationId: route.operationId,
      summary: route.summary,
      tags: [route.tag],
      ...(parameters.length > 0 ? { parameters } : {}),
      responses: {
        [String(route.status ?? 200)]: responseOf(route),
        '400': ERROR,
        '401': ERROR,
        ...(route.method === 'post' ? { '403': ERROR } : {}),
        ...(route.params ? { '404': ERROR } : {}),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Siphon admin API',
      version,
      description:
        'Sources, resources, runs, tables and reports of one Siphon deployment. Every call needs `Authorization: Bearer <admin token>`. ' +
        'Big integers and decimals are JSON numbers with every digit: parse them with a lossless JSON parser.',
    },
    components: { securitySchemes: { adminToken: { type: 'http', scheme: 'bearer' } } },
    security: [{ adminToken: [] }],
    paths,
  };
}

function parametersOf(schema: z.ZodObject | undefined, where: 'path' | 'query'): Json[] {
  if (!schema) return [];
  return Object.entries(schema.shape).map(([name, field]) => {
    const described = jsonSchema(field as z.ZodType, 'input');
    const { description, ...rest } = described;
    const list = rest.type === 'array';
    return {
      name,
      in: where,
      required: where === 'path' || !(field as z.ZodType).safeParse(undefined).success,
      ...(description ? { description } : {}),
      ...(list ? { explode: true } : {}),
      schema: rest,
    };
  });
}

function responseOf(route: ApiRoute): Json {
  const body = route.response;
  if (body.kind === 'json')
    return { description: route.summary, content: { 'application/json': { schema: jsonSchema(body.schema, 'output') } } };
  if (body.kind === 'stream') return { description: route.summary, content: { [body.type]: { schema: { type: 'string' } } } };
  return {
    description: route.summary,
    content: Object.fromEntries(body.types.map((type) => [type, { schema: { type: 'string', format: 'binary' } }])),
  };
}
