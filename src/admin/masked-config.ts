import { envSubstitutions } from '../config/env-substitutions.js';
import type { ResolvedConfig, ResolvedResource, ResolvedSource } from '../config/types.js';
import { formatColumnType } from '../store/column-type.js';
import { hidePassword } from '../store/database-url.js';
import type { RunEvent } from '../store/run-history-types.js';
import type { RunRecord } from '../store/types.js';
import { redactHeaders, redactUrl } from '../util/redact.js';

/** Auth and header values shown as this, never as what they hold. */
export const MASK = '***';

/** Fields of an auth config that hold a credential. */
const SECRET_FIELDS = /^(token|password|value|clientSecret|secret|key|apiKey|refreshToken|accessToken)$/;
/** Query parameters whose values are credentials. */
const SECRET_PARAM = /(^|[_-])(key|api[_-]?key|apikey|token|access[_-]?token|secret|password|passwd|signature|sig|auth|session)$/i;

type Plain = string | number | boolean | null | Plain[] | { [key: string]: Plain };

/**
 * The resolved config as a user would read it, with nothing secret in it:
 * every value a `${env:NAME}` filled in shows as `${env:NAME}`; credentials
 * written inline (auth fields, credential headers, secret query parameters,
 * passwords in URLs) show as `***`.
 */
export function maskedConfig(config: ResolvedConfig): Record<string, Plain> {
  const byName = envNamer(config);
  const named = (value: Plain): Plain => mapStrings(value, byName);
  // Names first, so a credential from the environment shows by name; what is still a value after that is masked.
  return {
    database: hidePassword(byName(config.database)),
    timezone: config.timezone,
    sources: Object.fromEntries(Object.values(config.sources).map((source) => [source.name, sourceView(source, config, named)])),
    reports: named(Object.fromEntries(Object.entries(config.reports).map(([name, report]) => [name, plain(report)]))),
  };
}

type Named = (value: Plain) => Plain;

/** Replaces the value of every `${env:NAME}` that filled the config by the reference itself. */
function envNamer(config: ResolvedConfig): (text: string) => string {
  // Longest first, so a value containing another is replaced whole.
  const substitutions = envSubstitutions(config)
    .filter((substitution) => substitution.value !== '')
    .sort((a, b) => b.value.length - a.value.length);
  return (text) => {
    let out = text;
    for (const { name, value } of substitutions) if (value.length >= 4 || out === value) out = out.replaceAll(value, `\${env:${name}}`);
    return out;
  };
}

function mapStrings(value: Plain, map: (text: string) => string): Plain {
  if (typeof value === 'string') return map(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, map));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapStrings(item, map)]));
  return value;
}

/**
 * Any JSON a run kept (a checkpoint holding the next page's URL, say) made
 * fit to show: values from the environment by name, URLs with their
 * credentials and secret-looking parameters masked.
 */
export function maskedJson(config: ResolvedConfig, value: unknown): unknown {
  const byName = envNamer(config);
  // URLs anywhere in the text: an error message names the request it failed on.
  return mapStrings(plain(value), (text) => byName(text.replace(/https?:\/\/[^\s"'<>]+/gi, (url) => maskUrl(url))));
}

function sourceView(source: ResolvedSource, config: ResolvedConfig, named: Named): Plain {
  return dropUndefined({
    baseUrl: maskUrl(named(source.baseUrl) as string),
    auth: source.auth === undefined ? undefined : maskAuth(named(plain(source.auth))),
    headers: maskHeaders(named(plain(source.headers))),
    rateLimit: named(plain(source.rateLimit)),
    rateLimitedWhen: plain(source.rateLimitedWhen),
    retry: plain(source.retry),
    timeout: plain(source.timeout),
    crossOrigin: source.crossOrigin,
    resources: Object.fromEntries(
      config.resources
        .filter((resource) => resource.source.name === source.name)
        .map((resource) => [resource.name, resourceView(resource, named)]),
    ),
  });
}

function resourceView(resource: ResolvedResource, named: Named): Plain {
  return dropUndefined({
    url: maskUrl(named(resource.url) as string),
    params: maskParams(named(plain(resource.params))),
    headers: maskHeaders(named(plain(resource.headers))),
    paginator: named(plain(resource.paginator)),
    method: resource.method === undefined || resource.method === 'GET' ? undefined : resource.method,
    json: resource.json === undefined ? undefined : maskBody(named(plain(resource.json))),
    form: resource.form === undefined ? undefined : maskParams(named(plain(resource.form))),
    responseActions: resource.responseActions === undefined ? undefined : plain(resource.responseActions),
    records: resource.records,
    map: resource.map === undefined ? undefined : '(function)',
    filter: typeof resource.filter === 'function' ? '(function)' : plain(resource.filter),
    exclude: plain(resource.exclude),
    addFields: plain(resource.addFields),
    includeFromParent: plain(resource.includeFromParent),
    concurrency: resource.concurrency,
    maxPages: resource.maxPages,
    primaryKey: resource.primaryKeyFields.length > 0 ? [...resource.primaryKeyFields] : undefined,
    table: resource.table.name,
    write: resource.write,
    schedule: resource.schedule,
    timezone: resource.timezone,
    undeclared: resource.undeclared,
    incremental: plain(resource.incremental),
    batchSize: resource.batchSize,
    parent: resource.parent?.resource,
    columns: Object.fromEntries(
      resource.columns.map((column) => {
        const type = column.type === undefined ? 'inferred' : formatColumnType(column.type);
        return [column.name, column.field === column.name ? type : `${type} ← ${column.field}`];
      }),
    ),
  });
}

/** A value written inline, not taken from the environment: shown as `***` where it is a credential. */
const inline = (value: Plain): boolean => typeof value === 'string' && !value.includes('${env:');

function maskUrl(url: string): string {
  // Placeholders ({posts.id}) and env references come out of URL parsing escaped; put them back.
  return redactUrl(url)
    .replace(/%7B([^%]*)%7D/gi, '{$1}')
    .replace(/\$%7B/gi, '${')
    .replace(/%24\{/gi, '${');
}

function maskHeaders(headers: Plain): Plain | undefined {
  if (headers === null || typeof headers !== 'object' || Array.isArray(headers) || Object.keys(headers).length === 0) return undefined;
  const masked = redactHeaders(Object.fromEntries(Object.entries(headers).map(([key, value]) => [key, String(value)])));
  return Object.fromEntries(Object.entries(headers).map(([key, value]) => [key, masked[key] === MASK && inline(value) ? MASK : value]));
}

function maskAuth(auth: Plain): Plain {
  if (auth === null || typeof auth !== 'object' || Array.isArray(auth)) return auth;
  return Object.fromEntries(Object.entries(auth).map(([key, value]) => [key, SECRET_FIELDS.test(key) && inline(value) ? MASK : value]));
}

function maskParams(params: Plain): Plain | undefined {
  if (params === null || typeof params !== 'object' || Array.isArray(params)) return params;
  if (Object.keys(params).length === 0) return undefined;
  return Object.fromEntries(Object.entries(params).map(([key, value]) => [key, SECRET_PARAM.test(key) && inline(value) ? MASK : value]));
}

/** A JSON body with what is credential-like masked at any depth (`{ auth: { api_key: *** } }`). */
function maskBody(body: Plain): Plain {
  if (Array.isArray(body)) return body.map(maskBody);
  if (body === null || typeof body !== 'object') return body;
  return Object.fromEntries(
    Object.entries(body).map(([key, value]) => [
      key,
      (SECRET_PARAM.test(key) || SECRET_FIELDS.test(key)) && inline(value) ? MASK : maskBody(value),
    ]),
  );
}

/** A config value as plain data (durations, numbers, nested objects); functions and undefined dropped. */
function plain(value: unknown): Plain {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object') {
    const out: Record<string, Plain> = {};
    for (const [key, item] of Object.entries(value)) if (item !== undefined && typeof item !== 'function') out[key] = plain(item);
    return out;
  }
  return String(value);
}

function dropUndefined(object: Record<string, Plain | undefined>): Plain {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined && value !== null)) as Plain;
}

/** A run as the admin shows it: its checkpoint and error masked like the config. */
export function maskedRun(config: ResolvedConfig, run: RunRecord): RunRecord {
  return {
    ...run,
    checkpoint: run.checkpoint === null ? null : (maskedJson(config, run.checkpoint) as RunRecord['checkpoint']),
    error: run.error === null ? null : (maskedJson(config, run.error) as string),
  };
}

/** A run's timeline as the admin shows it: URLs and values from the environment masked in every event. */
export function maskedEvents(config: ResolvedConfig, events: readonly RunEvent[]): RunEvent[] {
  return events.map((event) => ({ ...event, data: maskedJson(config, event.data) as RunEvent['data'] }));
}
