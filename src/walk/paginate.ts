import { GraphqlError } from '../errors/graphql-error.js';
import { PaginationError, PaginationLoopError } from '../errors/pagination-error.js';
import { RepeatedPageError } from '../errors/repeated-page-error.js';
import { HttpClient } from '../http/client.js';
import { graphqlBody, graphqlErrorsOf } from '../http/graphql.js';
import { type BodyParts, bodyParams } from '../http/request-body.js';
import { responseActionMatchers } from '../http/response-actions.js';
import type { JsonResponse } from '../http/types.js';
import { paramLocationOf } from '../pagination/option-fields.js';
import { selectRecords } from '../pagination/records.js';
import { createPaginator, type PaginatorConfig } from '../pagination/registry.js';
import type { PageStep, PageToken } from '../pagination/types.js';
import { parseJson } from '../util/exact-json.js';
import { announcedTotals } from './announced-totals.js';
import { buildPageRequest } from './build-url.js';
import { type Page, type PaginateOptions, resolveWalkOptions } from './paginate-options.js';
import { RepeatedPageCheck, repeatedPageHint } from './repeated-page.js';

interface InFlight {
  readonly step: PageStep;
  readonly url: URL;
  readonly controller: AbortController;
  readonly result: Promise<JsonResponse>;
}

/**
 * Walks every page of an endpoint and yields them in order, each with the
 * token to resume after it. Breaking out of the loop (or aborting `signal`)
 * cancels the requests still in flight.
 */
export async function* paginate<T = unknown>(options: PaginateOptions): AsyncGenerator<Page<T>, void, undefined> {
  const { baseUrl, concurrency, maxPages: walkLimit, method } = resolveWalkOptions(options);
  const parts: BodyParts = options.graphql ? { json: graphqlBody(options.graphql) } : { json: options.json, form: options.form };
  const inBody = paramLocationOf(options.paginator) === 'body';
  const paginator = createPaginator(options.paginator, { params: inBody ? bodyParams(parts) : options.params });
  const responseActions = responseActionMatchers(options.responseActions);
  // Read once the paginator's options passed its schema.
  const maxPages = pageLimit(walkLimit, options.paginator);
  const client = options.client ?? new HttpClient({ ...options, origin: new URL(baseUrl).origin, onEvent: options.onEvent });
  const walk = new AbortController();
  // Joined per request rather than listened to: a fan-out runs many walks
  // on one run's signal, and more than 10 listeners on it set off Node's leak warning.
  const stops = options.signal ? [walk.signal, options.signal] : [walk.signal];
  const width = paginator.ahead ? concurrency : 1;
  const queue: InFlight[] = [];
  const seen = new Set<string>();
  /** A page number or offset the server ignores repeats the previous page's records. */
  const repeated = new RepeatedPageCheck();
  // Read as the walk read it: the page parsed and its records selected before.
  const reread = (text: string): unknown[] => selectRecords(parseJson(text, client.numbers), options.records);

  const launch = (step: PageStep): void => {
    const controller = new AbortController();
    const { url, body } = buildPageRequest(baseUrl, options.params, parts, inBody, step.patch, (value) => client.secrets.occursIn(value));
    const signal = AbortSignal.any([...stops, controller.signal]);
    // A client of the walk's own already reports to `onEvent`; a shared one reports each request's events here.
    const onEvent = options.client ? options.onEvent : undefined;
    const result = client.getJson(url, { method, body, responseActions, signal, headers: step.patch.headers, onEvent });
    // Prefetched pages may fail after the walk has stopped; nobody awaits them then.
    result.catch(() => undefined);
    queue.push({ step, url, controller, result });
  };
  const cancelQueued = (): void => {
    for (const item of queue.splice(0)) item.controller.abort(new Error('page no longer needed'));
  };

  try {
    options.signal?.throwIfAborted();
    const first = paginator.start(options.resume);
    seen.add(tokenKey(first.token));
    launch(first);
    for (let index = 0; queue.length > 0; index += 1) {
      while (queue.length < width && (maxPages === undefined || index + queue.length < maxPages)) {
        const ahead = paginator.ahead?.((queue.at(-1) as InFlight).step, 1);
        if (!ahead) break;
        launch(ahead);
      }
      const head = queue.shift() as InFlight;
      const response = await head.result;
      if (response.ignored !== undefined) {
        // A response rule said so (a child of a deleted parent): no records, and nothing after it to walk.
        cancelQueued();
        return;
      }
      if (options.graphql !== undefined) {
        // A 200 with errors (even beside partial data) is a page not fully served.
        const errors = graphqlErrorsOf(response.body);
        if (errors !== undefined) {
          // An API may echo a credential in its message.
          const masked = errors.map((entry) => ({ ...entry, message: client.secrets.mask(entry.message) }));
          throw new GraphqlError(`${method} ${client.redact(response.url)} (HTTP ${response.status})`, masked, {
            request: { method, url: client.redact(head.url.toString()) },
          });
        }
      }
      const records = recordsOf(method, response, options.records, client);
      const next = paginator.next({
        index,
        step: head.step,
        requestUrl: head.url.toString(),
        response: { status: response.status, url: response.url, headers: response.headers, body: response.body },
        records,
      });
      if (index === 0 && paginator.type === 'auto') {
        options.onEvent?.({ type: 'detected', description: paginator.describe() });
      }
      const last = next === null || (maxPages !== undefined && index + 1 >= maxPages);
      if (next) {
        const key = tokenKey(next.token);
        if (seen.has(key)) throw new PaginationLoopError(paginator.type, describeToken(next.token, client), index);
        seen.add(key);
      }
      // After the token check: a link back to a fetched page is the more precise diagnosis.
      if (repeated.repeats(records, response.text, reread)) {
        const config = typeof options.paginator === 'object' ? (options.paginator as PaginatorConfig) : undefined;
        const hint = repeatedPageHint(paginator.type, config, paginator.describe());
        throw new RepeatedPageError(paginator.type, index, records.length, hint);
      }
      if (last) {
        cancelQueued();
      } else if (queue.length === 0) {
        launch(next);
      } else if (tokenKey((queue[0] as InFlight).step.token) !== tokenKey(next.token)) {
        // The strategy went somewhere its prediction did not: drop the guesses.
        cancelQueued();
        launch(next);
      }
      yield {
        index,
        records: records as T[],
        // Tokens are stored (checkpoints) and handed out: never with credentials in them.
        token: next ? withoutSecrets(next.token, client) : null,
        pageToken: withoutSecrets(head.step.token, client),
        ...announcedTotals(response, options.paginator),
        response: { status: response.status, headers: response.headers, url: client.redact(response.url), rateLimit: response.rateLimit },
        attempts: response.attempts,
        waitedMs: response.waitedMs,
      };
      if (last) return;
    }
  } finally {
    cancelQueued();
    walk.abort(new Error('walk finished'));
    if (!options.client) await client.close();
  }
}

/** Every record of every page, in order. */
export async function* fetchRecords<T = unknown>(options: PaginateOptions): AsyncGenerator<T, void, undefined> {
  for await (const page of paginate<T>(options)) yield* page.records;
}

/** The page's records; a body without them fails naming the page's URL and status (an empty body reads as `null`). */
function recordsOf(method: string, response: JsonResponse, path: string | undefined, client: HttpClient): unknown[] {
  try {
    return selectRecords(response.body, path);
  } catch (error) {
    if (!(error instanceof PaginationError)) throw error;
    const reason = error.message.slice(`${error.paginator} paginator: `.length).replace('the body is null', 'the body is empty or null');
    throw new PaginationError(error.paginator, `${reason} (${method} ${client.redact(response.url)} answered HTTP ${response.status})`, {
      cause: error,
    });
  }
}

/** `maxPages` may sit on the walk or, as a stop option, on the paginator: the smaller wins. */
function pageLimit(walk: number | undefined, paginator: PaginateOptions['paginator']): number | undefined {
  const own =
    paginator !== null && typeof paginator === 'object' && 'maxPages' in paginator
      ? (paginator as { maxPages?: unknown }).maxPages
      : undefined;
  const limits = [walk, own].filter((limit): limit is number => typeof limit === 'number');
  return limits.length > 0 ? Math.min(...limits) : undefined;
}

function tokenKey(token: PageToken): string {
  return JSON.stringify(token);
}

/** `token` with every URL in it stripped of credentials (see {@link HttpClient.withoutSecrets}). */
function withoutSecrets(token: PageToken, client: HttpClient): PageToken {
  const clean = (value: unknown): unknown => {
    if (typeof value === 'string') return /^https?:\/\//i.test(value) ? client.withoutSecrets(value) : value;
    if (Array.isArray(value)) return value.map(clean);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, clean(item)]));
    }
    return value;
  };
  return clean(token) as PageToken;
}

function describeToken(token: PageToken, client: HttpClient): string {
  const url = findString(token, 'url');
  if (url) return client.redact(url);
  return JSON.stringify(token);
}

function findString(value: unknown, key: string): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const own = (value as Record<string, unknown>)[key];
  if (typeof own === 'string') return own;
  for (const child of Object.values(value)) {
    const found = findString(child, key);
    if (found) return found;
  }
  return undefined;
}
