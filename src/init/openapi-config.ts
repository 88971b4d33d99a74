import { Document, isMap, isScalar, type YAMLMap } from 'yaml';
import { MAX_IDENTIFIER_LENGTH, validateIdentifier } from '../store/identifier.js';
import { snakeCase } from '../util/snake-case.js';

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
  /** The primary key, which a child's path parameter names unless it names another field. */
  key: string | undefined;
  /** The fields of its records, which a child's `{name.field}` may name. */
  fields: readonly string[];
}

/** Where path parameters no listed resource supplies get their value: one variable per parameter name. */
interface PathVariables {
  /** Prefix of the variable names (`GITHUB` for `${env:GITHUB_OWNER}`). */
  readonly prefix: string;
  readonly env: { name: string; description: string }[];
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
  const variables: PathVariables = { prefix: envPrefix(str(json(api.info)?.title)), env };
  for (const endpoint of endpoints) {
    const response = successResponse(endpoint.operation, swagger2);
    const records = response && recordsOf(response.schema);
    if (!response || !records) {
      skipped.push({ path: endpoint.path, reason: 'its response is not a list' });
      continue;
    }
    const draft = resourceFor(endpoint, response, records, drafts, names, variables);
    drafts.push(draft);
    for (const requirement of list(endpoint.operation.security ?? api.security)) {
      for (const scheme of Object.keys(json(requirement) ?? {})) schemes.add(scheme);
    }
  }
  if (drafts.length === 0) throw new OpenApiConfigError('no GET endpoint returning a list was found (after --include/--exclude)');

  // The title's first word, as the variables are named: `github` and GITHUB_OWNER for "GitHub's official OpenAPI spec".
  const sourceName = variables.prefix.toLowerCase();
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
  } else {
    sourceComments.set('baseUrl', ' the description declares no security for these endpoints: add auth if the API asks for a key or token');
  }
  source.resources = Object.fromEntries(drafts.map((draft) => [draft.name, draft.entry]));

  const doc = new Document({ database: options.database ?? 'sqlite:./siphon.db', sources: { [sourceName]: source } });
  const title = str(json(api.info)?.title) ?? 'an API';
  doc.commentBefore = [
    ` Generated by \`siphon init\` from ${title}'s OpenAPI description.`,
    ' Comments mark the guesses; review them, then `siphon check --offline` (no API or database needed), `siphon check` and `siphon run`.',
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
  variables: PathVariables,
): Draft {
  const comments = new Map<string, string>();
  let path = endpoint.path;
  const pathNotes: string[] = [];
  // One parent per resource: the deepest listed prefix, whose rows are walked; the other parameters come from the environment.
  const links = pathParams(endpoint.path).map((param) => {
    const prefix = endpoint.path.slice(0, endpoint.path.indexOf(`{${param}}`)).replace(/\/$/, '');
    const parent = drafts.find((draft) => draft.path === prefix);
    const field = parent && parentField(param, parent);
    return { param, parent: field === undefined ? undefined : parent, field };
  });
  const walked = links.findLast((link) => link.parent !== undefined);
  for (const link of links) {
    if (link === walked && link.parent) {
      path = path.replace(`{${link.param}}`, `{${link.parent.name}.${link.field}}`);
      pathNotes.push(`{${link.param}} guessed to be ${link.parent.name}'s ${link.field}: one walk per row of ${link.parent.name}`);
      continue;
    }
    const variable = pathVariable(link.param, endpoint.path, variables);
    path = path.replace(`{${link.param}}`, `\${env:${variable}}`);
    pathNotes.push(`{${link.param}} comes from the environment (${variable}): no listed resource supplies it`);
  }
  if (pathNotes.length > 0) comments.set('path', ` ${pathNotes.join('; ')}`);

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
  const taken = new Set<string>();
  const renamed: string[] = [];
  for (const [field, value] of Object.entries(properties)) {
    const type = columnTypeOf(json(value) ?? {});
    // A dot or bracket would make the field a path into the record; such a field is left to inference.
    if (!type || /[.[\]"'\\]/.test(field)) continue;
    const name = columnName(snakeCase(field), taken);
    taken.add(name.toLowerCase());
    if (name === snakeCase(field)) columns[field] = type;
    else {
      columns[field] = { name, type };
      renamed.push(`${field} → ${name}`);
    }
  }
  if (renamed.length > 0) comments.set('columns', ` renamed, the default name being reserved or taken: ${renamed.join(', ')}`);
  if (Object.keys(columns).length > 0) entry.columns = columns;
  // Only under a parent: a 404 for a path the environment fills means a wrong value, which must fail.
  if (walked !== undefined && response.documented.includes('404')) {
    entry.responseActions = [{ status: 404, action: 'ignore' }];
    comments.set('responseActions', ' the description documents a 404: a parent gone since it was listed is skipped, not a failure');
  }

  let name = resourceName(endpoint.path);
  for (let n = 2; names.has(name); n += 1) name = `${resourceName(endpoint.path)}_${n}`;
  names.add(name);
  // A child's placeholder must name a column (or the key) of its parent.
  return {
    name,
    path: endpoint.path,
    entry,
    comments,
    key: key?.field,
    fields: [...new Set([...Object.keys(columns), ...(key ? [key.field] : [])])],
  };
}

/**
 * The parent's field a path parameter names: the field of that name
 * (`{slug}`), the field it ends with (`{issue_number}` → `number`,
 * `{orderId}` → `id`), or the primary key for a bare `{id}`-like name.
 * `undefined` when it names none (`{username}` under records that have
 * `login`): guessing the key there would walk the wrong URLs.
 */
function parentField(param: string, parent: Draft): string | undefined {
  if (parent.fields.includes(param)) return param;
  const suffixed = parent.fields
    .filter((field) => param.endsWith(`_${field}`) || param.endsWith(field.charAt(0).toUpperCase() + field.slice(1)))
    .sort((a, b) => b.length - a.length)[0];
  if (suffixed !== undefined) return suffixed;
  if (parent.key !== undefined && /^(id|key|uuid)$|[_a-z](id|Id|ID)$/.test(param)) return parent.key;
  return undefined;
}

/** The variable a path parameter no listed resource supplies is read from, added to the env template once. */
function pathVariable(param: string, path: string, variables: PathVariables): string {
  const name = `${variables.prefix}_${identifier(param).toUpperCase()}`;
  const known = variables.env.find((entry) => entry.name === name);
  if (known === undefined)
    variables.env.push({ name, description: `{${param}} in the paths (first: ${path}): one value for every resource using it` });
  return name;
}

/** `GITHUB` from "GitHub's official OpenAPI spec": the first word of the title, the source's name and its variables' prefix. */
function envPrefix(title: string | undefined): string {
  const word = /[A-Za-z][A-Za-z0-9]*/.exec(title ?? '')?.[0];
  return word === undefined ? 'API' : word.slice(0, 40).toUpperCase();
}

function resourceName(path: string): string {
  const segments = path
    .split('/')
    .filter((segment) => segment !== '' && !segment.includes('{') && segment !== 'api' && !/^v\d+$/i.test(segment));
  let name = identifier(segments.join('_')) || 'root';
  // The name is the table's: leading words go first (the last ones say what the rows are), leaving room for a `_2`.
  while (name.length > MAX_IDENTIFIER_LENGTH.table - 3 && name.includes('_')) name = name.slice(name.indexOf('_') + 1);
  return name.slice(0, MAX_IDENTIFIER_LENGTH.table - 3);
}

/** `name`, or a variant of it when the database reserves it (`oid`) or another field's column has it. */
function columnName(name: string, taken: ReadonlySet<string>): string {
  const usable = (candidate: string): boolean => {
    if (taken.has(candidate.toLowerCase())) return false;
    try {
      validateIdentifier(candidate, 'column');
      return true;
    } catch {
      return false;
    }
  };
  if (usable(name)) return name;
  // `_siphon…` is reserved as a prefix: dropping the underscore is enough.
  const base = (/^_siphon/i.test(name) ? name.slice(1) : name).slice(0, MAX_IDENTIFIER_LENGTH.column - 9);
  let candidate = `${base}_value`;
  for (let n = 2; !usable(candidate); n += 1) candidate = `${base}_value${n}`;
  return candidate;
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
  let sizeNote = '';
  if (sizeParam) {
    const parameter = query.find((p) => p.name === sizeParam) ?? {};
    const schema = schemaOf(sizeParam);
    // GitHub states its maximum only in prose: "The number of results per page (max 100)".
    const stated = /\bmax(?:imum)?\.?\s*(?:is\s*|of\s*|:\s*)?(\d+)/i.exec(str(parameter.description) ?? str(schema.description) ?? '')?.[1];
    const [size, from] =
      typeof schema.maximum === 'number'
        ? [Math.min(schema.maximum, 1000), 'its maximum']
        : stated !== undefined
          ? [Math.min(Number(stated), 1000), 'the maximum its description states']
          : typeof schema.default === 'number'
            ? [schema.default, 'its default']
            : [100, 'no maximum or default documented'];
    sizeParams[sizeParam] = size;
    sizeNote = ` page size ${size} in "${sizeParam}" (${from})`;
  }
  const properties = records.path === '$' ? {} : allProperties(response.schema);
  const headers = Object.keys(response.headers).map((header) => header.toLowerCase());

  if (headers.includes('link')) {
    // Pages numbered by a parameter and announced in a Link header (GitHub): following the link stops where the API
    // says, which a page count would not (GitHub's search answers 422 past its 1,000th result).
    const start = pageParam ? startOf(schemaOf(pageParam)) : undefined;
    const numbered = pageParam ? `; the pages are numbered by "${pageParam}" from ${start}, and each link carries the next number` : '';
    return {
      paginator: 'linkHeader',
      params: { ...(pageParam ? { [pageParam]: start } : {}), ...sizeParams },
      note: ` the response documents a Link header: its rel="next" is followed until there is none${numbered}${sizeNote ? `;${sizeNote}` : ''}`,
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
  if (typeof schema.minimum === 'number') return schema.minimum;
  return schema.default === 0 ? 0 : 1;
}

function primaryKeyOf(properties: Json): { field: string; guessed: boolean } | undefined {
  const fields = Object.keys(properties);
  if (fields.includes('id')) return { field: 'id', guessed: false };
  const field = ['uuid', 'key', 'slug'].find((name) => fields.includes(name)) ?? fields.find((name) => /(^|_)id$|[a-z]Id$/.test(name));
  return field === undefined ? undefined : { field, guessed: true };
}

function columnTypeOf(schema: Json): string | undefined {
  // `anyOf: [{ type: 'null' }, { $ref: … }]` and the like: one column type if every alternative agrees, else JSON.
  const alternatives = [...list(schema.oneOf), ...list(schema.anyOf), ...list(schema.allOf)]
    .map((part) => json(part) ?? {})
    .filter((part) => !(part.type === 'null' || (Array.isArray(part.type) && part.type.every((t) => t === 'null'))));
  if (typesOf(schema).length === 0 && alternatives.length > 0) {
    const types = new Set(alternatives.map((part) => columnTypeOf(part)).filter((type) => type !== undefined));
    return types.size === 1 ? [...types][0] : types.size > 1 ? 'json' : undefined;
  }
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
