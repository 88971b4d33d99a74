import { Document, isMap, isScalar, type YAMLMap } from 'yaml';

/*
 * A config guessed from an OpenAPI 3.x or Swagger 2.0 description that is
 * already dereferenced (no `$ref` left). Every choice the description does not
 * state outright carries a YAML comment saying what it was guessed from, so
 * the user knows what to review.
 */

type Json = Record<string, unknown>;

/** Options of {@link configFromOpenApi}. */
export interface OpenApiConfigOptions {
  /** Path globs (`/users/**`) or tags; an endpoint is kept when it matches one. Default: all. */
  readonly include?: readonly string[];
  /** Path globs or tags; an endpoint matching one is left out. */
  readonly exclude?: readonly string[];
  /** Where the description was read from: a relative server URL is resolved against it. */
  readonly specUrl?: string;
  /**
   * The database the config names.
   * @default 'sqlite:./siphon.db'
   */
  readonly database?: string;
}

/** The generated config and what it expects from the environment. */
export interface GeneratedConfig {
  /** The commented `siphon.yaml` text. */
  readonly yaml: string;
  /** Environment variables its `${env:…}` placeholders name. */
  readonly env: readonly { name: string; description: string }[];
  /** The resources generated, by name. */
  readonly resources: readonly string[];
  /** GET endpoints that were not turned into resources, with why. */
  readonly skipped: readonly { path: string; reason: string }[];
}

export class OpenApiConfigError extends Error {
  override readonly name = 'OpenApiConfigError';
}

interface Endpoint {
  readonly path: string;
  readonly operation: Json;
  readonly parameters: readonly Json[];
}

interface Draft {
  name: string;
  path: string;
  entry: Json;
  comments: Map<string, string>;
  /** The fields a child may name as `{name.field}`: the primary key. */
  key: string | undefined;
}

const json = (value: unknown): Json | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

const PAGE_PARAMS = ['page', '_page', 'page_number', 'pageNumber', 'pageNo'];
const SIZE_PARAMS = ['per_page', 'page_size', 'pageSize', 'perPage', 'limit', '_limit', 'size', 'count', 'maxResults'];
const OFFSET_PARAMS = ['offset', '_start', 'skip', 'start'];
const CURSOR_PARAMS = ['cursor', 'after', 'starting_after', 'page_token', 'pageToken', 'next_token', 'nextToken', 'continuation'];
const CURSOR_FIELDS = ['next_cursor', 'nextCursor', 'next_page_token', 'nextPageToken', 'cursor', 'next_token', 'nextToken'];
const NEXT_URL_FIELDS = ['next', 'next_url', 'nextUrl', 'next_page_url', 'nextPageUrl'];
const RECORDS_FIELDS = ['data', 'results', 'items', 'records', 'entries', 'values', 'rows'];

/** Builds a commented `siphon.yaml` from a dereferenced OpenAPI 3.x or Swagger 2.0 document. */
export function configFromOpenApi(api: Json, options: OpenApiConfigOptions = {}): GeneratedConfig {
  const swagger2 = str(api.swagger)?.startsWith('2') === true;
  if (!swagger2 && !str(api.openapi)?.startsWith('3')) {
    throw new OpenApiConfigError('the document is neither OpenAPI 3.x ("openapi": "3…") nor Swagger 2.0 ("swagger": "2.0")');
  }
  const baseUrl = serverUrl(api, swagger2, options.specUrl);
  const skipped: { path: string; reason: string }[] = [];
  const endpoints = readEndpoints(api).filter((endpoint) => selected(endpoint, options));
  // Parents first: a child names its parent by the list at its path's prefix.
  endpoints.sort((a, b) => pathParams(a.path).length - pathParams(b.path).length || a.path.localeCompare(b.path));

  const drafts: Draft[] = [];
  const names = new Set<string>();
  const env: { name: string; description: string }[] = [];
  const schemes = new Set<string>();
  for (const endpoint of endpoints) {
    const response = successResponse(endpoint.operation, swagger2);
    const records = response && recordsOf(response.schema);
    if (!response || !records) {
      skipped.push({ path: endpoint.path, reason: 'its response is not a list' });
      continue;
    }
    const draft = resourceFor(endpoint, response, records, drafts, names, skipped);
    if (!draft) continue;
    drafts.push(draft);
    for (const requirement of list(endpoint.operation.security ?? api.security)) {
      for (const scheme of Object.keys(json(requirement) ?? {})) schemes.add(scheme);
    }
  }
  if (drafts.length === 0) throw new OpenApiConfigError('no GET endpoint returning a list was found (after --include/--exclude)');

  const sourceName = identifier(str(json(api.info)?.title) ?? 'api') || 'api';
  const source: Json = { baseUrl };
  const sourceComments = new Map<string, string>();
  const securitySchemes = swagger2 ? json(api.securityDefinitions) : json(json(api.components)?.securitySchemes);
  const [schemeName] = schemes;
  if (schemeName !== undefined) {
    const auth = authFor(schemeName, json(securitySchemes?.[schemeName]) ?? {}, env);
    if (auth) {
      source.auth = auth.config;
      sourceComments.set(
        'auth',
        ` from securityScheme "${schemeName}"${auth.note ? `; ${auth.note}` : ''}; the secret comes from the environment`,
      );
    } else {
      sourceComments.set('baseUrl', ` securityScheme "${schemeName}" has no counterpart here: set auth by hand`);
    }
    if (schemes.size > 1) sourceComments.set('baseUrl', ` endpoints use ${[...schemes].join(', ')}; only "${schemeName}" is configured`);
  }
  source.resources = Object.fromEntries(drafts.map((draft) => [draft.name, draft.entry]));

  const doc = new Document({ database: options.database ?? 'sqlite:./siphon.db', sources: { [sourceName]: source } });
  const title = str(json(api.info)?.title) ?? 'an API';
  doc.commentBefore = [
    ` Generated by \`siphon init\` from ${title}'s OpenAPI description.`,
    ' Comments mark the guesses; review them, then `siphon check` and `siphon run`.',
    ...(skipped.length > 0 ? [' Not generated:', ...skipped.map((skip) => `   GET ${skip.path}: ${skip.reason}`)] : []),
  ].join('\n');
  commentKey(doc, ['database'], ' SIPHON_DATABASE overrides, e.g. postgres://user@host:5432/db');
  for (const [key, text] of sourceComments) commentKey(doc, ['sources', sourceName, key], text);
  for (const draft of drafts) {
    for (const [key, text] of draft.comments) commentKey(doc, ['sources', sourceName, 'resources', draft.name, key], text);
  }
  return { yaml: doc.toString({ lineWidth: 140 }), env, resources: drafts.map((draft) => draft.name), skipped };
}

function commentKey(doc: Document, path: readonly string[], text: string): void {
  const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  if (!isMap(parent)) return;
  const pair = (parent as YAMLMap).items.find((item) => isScalar(item.key) && item.key.value === path.at(-1));
  if (pair && isScalar(pair.key)) pair.key.commentBefore = text;
}

function serverUrl(api: Json, swagger2: boolean, specUrl: string | undefined): string {
  let url: string;
  if (swagger2) {
    const scheme = str(list(api.schemes)[0]) ?? 'https';
    const host = str(api.host);
    url = host ? `${scheme}://${host}${str(api.basePath) ?? ''}` : (str(api.basePath) ?? '/');
  } else {
    const server = json(list(api.servers)[0]);
    url = str(server?.url) ?? '/';
    for (const [name, variable] of Object.entries(json(server?.variables) ?? {})) {
      url = url.replaceAll(`{${name}}`, String(json(variable)?.default ?? ''));
    }
  }
  try {
    const resolved = new URL(url, specUrl && /^https?:/.test(specUrl) ? specUrl : undefined);
    return resolved.href.replace(/\/$/, '');
  } catch {
    throw new OpenApiConfigError(
      `the server URL "${url}" is not absolute and the description was not read from a URL to resolve it against`,
    );
  }
}

function readEndpoints(api: Json): Endpoint[] {
  const endpoints: Endpoint[] = [];
  for (const [path, item] of Object.entries(json(api.paths) ?? {})) {
    const operation = json(json(item)?.get);
    if (!operation) continue;
    // Operation parameters override path-level ones of the same name and place.
    const byKey = new Map<string, Json>();
    for (const parameter of [...list(json(item)?.parameters), ...list(operation.parameters)]) {
      const p = json(parameter);
      if (p) byKey.set(`${str(p.in)}:${str(p.name)}`, p);
    }
    endpoints.push({ path, operation, parameters: [...byKey.values()] });
  }
  return endpoints;
}

function selected(endpoint: Endpoint, options: OpenApiConfigOptions): boolean {
  const tags = list(endpoint.operation.tags).filter((tag): tag is string => typeof tag === 'string');
  const matches = (pattern: string): boolean => (pattern.startsWith('/') ? globMatch(pattern, endpoint.path) : tags.includes(pattern));
  if (options.include && options.include.length > 0 && !options.include.some(matches)) return false;
  return !options.exclude?.some(matches);
}

/** `*` matches within one path segment, `**` across segments. */
export function globMatch(pattern: string, path: string): boolean {
  const source = pattern
    .split(/(\*\*|\*)/)
    .map((part) => (part === '**' ? '.*' : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`).test(path);
}

function pathParams(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] as string);
}

interface Response {
  readonly schema: Json;
  readonly headers: Json;
  readonly documented: readonly string[];
}

function successResponse(operation: Json, swagger2: boolean): Response | undefined {
  const responses = json(operation.responses) ?? {};
  const key = ['200', '2XX', '2xx', 'default'].find((code) => json(responses[code]));
  const response = json(key && responses[key]);
  if (!response) return undefined;
  let schema: Json | undefined;
  if (swagger2) schema = json(response.schema);
  else {
    const content = json(response.content) ?? {};
    const type = Object.keys(content).find((media) => /json/i.test(media));
    schema = json(json(type && content[type])?.schema);
  }
  return schema && { schema, headers: json(response.headers) ?? {}, documented: Object.keys(responses) };
}

/** The JSON schema types a schema allows, `null` aside (3.1 type lists, 3.0 `nullable`). */
function typesOf(schema: Json): string[] {
  const type = schema.type;
  const types = Array.isArray(type) ? type.filter((t): t is string => typeof t === 'string') : typeof type === 'string' ? [type] : [];
  if (types.length === 0 && json(schema.items)) return ['array'];
  if (types.length === 0 && json(schema.properties)) return ['object'];
  return types.filter((t) => t !== 'null');
}

function allProperties(schema: Json): Json {
  const merged: Json = { ...(json(schema.properties) ?? {}) };
  for (const part of list(schema.allOf)) Object.assign(merged, allProperties(json(part) ?? {}));
  return merged;
}

interface Records {
  /** `$` for a top-level array, else the property holding it. */
  readonly path: string;
  readonly item: Json;
  /** True when the property was picked among several candidates by name. */
  readonly guessed: boolean;
}

function recordsOf(schema: Json): Records | undefined {
  if (typesOf(schema).includes('array')) return { path: '$', item: json(schema.items) ?? {}, guessed: false };
  if (!typesOf(schema).includes('object')) return undefined;
  const properties = allProperties(schema);
  const arrays = Object.keys(properties).filter((name) => {
    const property = json(properties[name]) ?? {};
    return typesOf(property).includes('array') && typesOf(json(property.items) ?? {}).includes('object');
  });
  const named = arrays.find((name) => RECORDS_FIELDS.includes(name)) ?? arrays[0];
  if (named === undefined) return undefined;
  return { path: named, item: json(json(properties[named])?.items) ?? {}, guessed: arrays.length > 1 };
}

function resourceFor(
  endpoint: Endpoint,
  response: Response,
  records: Records,
  drafts: readonly Draft[],
  names: Set<string>,
  skipped: { path: string; reason: string }[],
): Draft | undefined {
  const comments = new Map<string, string>();
  let path = endpoint.path;
  for (const param of pathParams(endpoint.path)) {
    const prefix = endpoint.path.slice(0, endpoint.path.indexOf(`{${param}}`)).replace(/\/$/, '');
    const parent = drafts.find((draft) => draft.path === prefix && draft.key !== undefined);
    if (!parent) {
      skipped.push({ path: endpoint.path, reason: `path parameter {${param}} names no listed resource's key` });
      return undefined;
    }
    path = path.replace(`{${param}}`, `{${parent.name}.${parent.key}}`);
    comments.set('path', ` {${param}} guessed to be ${parent.name}'s ${parent.key}: one walk per row of ${parent.name}`);
  }

  const entry: Json = { path };
  const query = endpoint.parameters.filter((p) => p.in === 'query');
  const params: Json = {};
  for (const parameter of query) {
    if (parameter.required !== true) continue;
    const schema = json(parameter.schema) ?? parameter;
    const value = schema.default ?? list(schema.enum)[0] ?? parameter.example ?? schema.example;
    const name = str(parameter.name) as string;
    if (value !== undefined) params[name] = value;
    else {
      params[name] = '';
      comments.set('params', ` required parameter "${name}" has no default or example: fill it in`);
    }
  }
  const paging = paginatorFor(query, response, records);
  Object.assign(params, paging.params);
  if (Object.keys(params).length > 0) entry.params = params;
  entry.paginator = paging.paginator;
  if (paging.note) comments.set('paginator', paging.note);
  if (records.path !== '$') entry.records = records.path;
  if (records.guessed) comments.set('records', ` the array named most like a record list among several`);

  const properties = allProperties(records.item);
  const key = primaryKeyOf(properties);
  if (key) {
    entry.primaryKey = key.field;
    entry.write = 'merge';
    if (key.guessed) comments.set('primaryKey', ` guessed from the field's name`);
  }
  const columns: Json = {};
  for (const [field, value] of Object.entries(properties)) {
    const type = columnTypeOf(json(value) ?? {});
    if (type) columns[field] = type;
  }
  if (Object.keys(columns).length > 0) entry.columns = columns;
  if (pathParams(endpoint.path).length > 0 && response.documented.includes('404')) {
    entry.responseActions = [{ status: 404, action: 'ignore' }];
    comments.set('responseActions', ' the description documents a 404: a parent gone since it was listed is skipped, not a failure');
  }

  let name = resourceName(endpoint.path);
  for (let n = 2; names.has(name); n += 1) name = `${resourceName(endpoint.path)}_${n}`;
  names.add(name);
  return { name, path: endpoint.path, entry, comments, key: key?.field };
}

function resourceName(path: string): string {
  const segments = path
    .split('/')
    .filter((segment) => segment !== '' && !segment.includes('{') && segment !== 'api' && !/^v\d+$/i.test(segment));
  return identifier(segments.join('_')) || 'root';
}

function identifier(text: string): string {
  const snake = text
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return /^[0-9]/.test(snake) ? `_${snake}` : snake.slice(0, 60);
}

interface Paging {
  readonly paginator: Json | string;
  readonly params: Json;
  readonly note?: string;
}

function paginatorFor(query: readonly Json[], response: Response, records: Records): Paging {
  const names = query.map((p) => str(p.name) as string);
  const find = (candidates: readonly string[]): string | undefined => candidates.find((name) => names.includes(name));
  const schemaOf = (name: string): Json => {
    const parameter = query.find((p) => p.name === name) ?? {};
    return json(parameter.schema) ?? parameter;
  };
  const pageParam = find(PAGE_PARAMS);
  const sizeParam = find(SIZE_PARAMS);
  const sizeParams: Json = {};
  if (sizeParam) {
    const schema = schemaOf(sizeParam);
    const size =
      typeof schema.maximum === 'number' ? Math.min(schema.maximum, 1000) : typeof schema.default === 'number' ? schema.default : 100;
    sizeParams[sizeParam] = size;
  }
  const sizeNote = sizeParam ? ` page size ${String(sizeParams[sizeParam])} in "${sizeParam}" (its maximum, or else its default)` : '';
  const properties = records.path === '$' ? {} : allProperties(response.schema);
  const headers = Object.keys(response.headers).map((header) => header.toLowerCase());

  if (headers.includes('link')) {
    const start = pageParam ? startOf(schemaOf(pageParam)) : undefined;
    return {
      paginator: 'linkHeader',
      params: { ...(pageParam ? { [pageParam]: start } : {}), ...sizeParams },
      note: ` the response documents a Link header: its rel="next" is followed${sizeNote ? `;${sizeNote}` : ''}`,
    };
  }
  const nextField = NEXT_URL_FIELDS.find((name) => {
    const property = json(properties[name]);
    return property !== undefined && typesOf(property).includes('string');
  });
  const cursorParam = find(CURSOR_PARAMS);
  const cursorField = CURSOR_FIELDS.find((name) => json(properties[name]) !== undefined);
  if (cursorParam && cursorField) {
    return {
      paginator: { type: 'cursor', cursorParam, cursorPath: cursorField },
      params: sizeParams,
      note: ` "${cursorField}" of each page sent back as "${cursorParam}"${sizeNote ? `;${sizeNote}` : ''}`,
    };
  }
  if (nextField) {
    return {
      paginator: { type: 'nextUrl', nextPath: nextField },
      params: sizeParams,
      note: ` the URL in "${nextField}" is followed until it is null${sizeNote ? `;${sizeNote}` : ''}`,
    };
  }
  const offsetParam = find(OFFSET_PARAMS);
  if (offsetParam && sizeParam) {
    return {
      paginator: { type: 'offset', offsetParam, limitParam: sizeParam },
      params: sizeParams,
      note: ` "${offsetParam}"/"${sizeParam}" read as offset and limit;${sizeNote}`,
    };
  }
  if (pageParam) {
    return {
      paginator: { type: 'pageNumber', pageParam, start: startOf(schemaOf(pageParam)), ...(sizeParam ? { sizeParam } : {}) },
      params: sizeParams,
      note: ` "${pageParam}" read as a page number; the walk ends at a short or empty page${sizeNote ? `;${sizeNote}` : ''}`,
    };
  }
  return { paginator: 'single', params: {}, note: ' no paging parameter documented: one request' };
}

function startOf(schema: Json): number {
  return typeof schema.minimum === 'number' ? schema.minimum : 1;
}

function primaryKeyOf(properties: Json): { field: string; guessed: boolean } | undefined {
  const fields = Object.keys(properties);
  if (fields.includes('id')) return { field: 'id', guessed: false };
  const field = ['uuid', 'key', 'slug'].find((name) => fields.includes(name)) ?? fields.find((name) => /(^|_)id$|[a-z]Id$/.test(name));
  return field === undefined ? undefined : { field, guessed: true };
}

function columnTypeOf(schema: Json): string | undefined {
  const [type] = typesOf(schema);
  switch (type) {
    case 'integer':
      return schema.format === 'int32' ? 'integer' : 'bigint';
    case 'number':
      return 'decimal';
    case 'boolean':
      return 'boolean';
    case 'string':
      if (schema.format === 'date-time') return 'timestamp';
      if (schema.format === 'decimal') return 'decimal';
      return 'text';
    case 'object':
    case 'array':
      return 'json';
    default:
      return undefined;
  }
}

function authFor(name: string, scheme: Json, env: { name: string; description: string }[]): { config: Json; note?: string } | undefined {
  const base = identifier(name).toUpperCase();
  const variable = (suffix: string, description: string): string => {
    const key = base.endsWith(`_${suffix}`) || base === suffix ? base : `${base}_${suffix}`;
    if (!env.some((entry) => entry.name === key)) env.push({ name: key, description });
    return `\${env:${key}}`;
  };
  const type = str(scheme.type);
  const httpScheme = str(scheme.scheme)?.toLowerCase();
  if (type === 'basic' || (type === 'http' && httpScheme === 'basic')) {
    return {
      config: { type: 'basic', username: variable('USERNAME', `${name}: user name`), password: variable('PASSWORD', `${name}: password`) },
    };
  }
  if (type === 'http' && httpScheme === 'bearer') return { config: { type: 'bearer', token: variable('TOKEN', `${name}: bearer token`) } };
  if (type === 'http' && httpScheme) {
    return {
      config: {
        type: 'token',
        scheme: str(scheme.scheme),
        token: variable('TOKEN', `${name}: the token sent as "Authorization: ${str(scheme.scheme)} …"`),
      },
    };
  }
  if (type === 'apiKey' && (scheme.in === 'header' || scheme.in === 'query')) {
    return { config: { type: 'apiKey', in: scheme.in, name: str(scheme.name), value: variable('KEY', `${name}: API key`) } };
  }
  if (type === 'oauth2') {
    const flows = json(scheme.flows) ?? {};
    const flow = json(flows.clientCredentials) ?? (scheme.flow === 'application' ? scheme : undefined);
    const tokenUrl = str(flow?.tokenUrl);
    if (tokenUrl) {
      return {
        config: {
          type: 'oauth2ClientCredentials',
          tokenUrl,
          clientId: variable('CLIENT_ID', `${name}: OAuth2 client id`),
          clientSecret: variable('CLIENT_SECRET', `${name}: OAuth2 client secret`),
        },
        note: 'the client-credentials flow',
      };
    }
    return {
      config: { type: 'bearer', token: variable('TOKEN', `${name}: an OAuth2 access token`) },
      note: 'an access token obtained elsewhere',
    };
  }
  return undefined;
}
