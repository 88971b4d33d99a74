import * as z from 'zod';
import { ConfigError } from '../errors/config-error.js';
import type { HttpClient } from '../http/client.js';
import type { ClientEvent, HttpClientOptions } from '../http/client-options.js';
import { type GraphqlRequest, graphqlProblem, graphqlRequestSchema } from '../http/graphql.js';
import {
  type FormBody,
  type JsonBody,
  jsonBodySchema,
  type RequestMethod,
  requestBodyProblem,
  requestMethodSchema,
} from '../http/request-body.js';
import { headersSchema, queryParamsSchema } from '../http/request-fields.js';
import { type ResponseAction, responseActionsSchema } from '../http/response-actions.js';
import type { QueryParams, ServerRateInfo } from '../http/types.js';
import { paramLocationOf } from '../pagination/option-fields.js';
import { recordsPathSchema } from '../pagination/records.js';
import type { PaginatorConfig } from '../pagination/registry.js';
import type { PageToken, Paginator } from '../pagination/types.js';
import { expecting, positiveInteger } from '../util/option-fields.js';
import { parseOptions } from '../util/option-issues.js';

/** What a walk reports besides its pages. */
export type WalkEvent =
  | ClientEvent
  | {
      /** `auto` decided on a strategy after the first page. */
      readonly type: 'detected';
      readonly description: string;
    };

/** Options of {@link paginate}: the request, the strategy, and the client's options. */
export interface PaginateOptions extends Omit<HttpClientOptions, 'onEvent' | 'origin'> {
  /** Absolute URL of the endpoint. */
  url: string;
  /** Query parameters of every page request. */
  params?: QueryParams | undefined;
  /**
   * The method of every page request; `json` or `form` need POST or PUT.
   * @default 'GET'
   */
  method?: RequestMethod | undefined;
  /** A JSON body sent with every page request (a paginator with `in: 'body'` sets its parameter in it). */
  json?: JsonBody | undefined;
  /** A form body (`application/x-www-form-urlencoded`) sent with every page request. */
  form?: FormBody | undefined;
  /**
   * A GraphQL request instead of `json`: POSTed as `{ query, variables }`,
   * paged with the `relay` paginator; a response with `errors` fails the page
   * with their messages (a {@link GraphqlError}).
   */
  graphql?: GraphqlRequest | undefined;
  /**
   * Rules on a response's status and body, tried in order before the default
   * handling: `ignore` ends the walk there without records, `retry` retries
   * with the client's backoff, `fail` fails (see {@link ResponseAction}).
   */
  responseActions?: readonly ResponseAction[] | undefined;
  /**
   * The pagination strategy: a config (`{ type: 'pageNumber', pageParam: 'page' }`),
   * its type name, or a custom {@link Paginator}.
   * @default 'auto'
   */
  paginator?: PaginatorConfig | Paginator | PaginatorConfig['type'] | undefined;
  /**
   * JSON path of the records in a page; `'auto'` takes a top-level array or the
   * array under `data`, `results`, `items` or `records`.
   * @default 'auto'
   */
  records?: string | undefined;
  /**
   * Pages in flight at once, for strategies whose later pages are known in
   * advance (page number, offset); pages are still delivered in order.
   * @default 1 (see {@link WALK_DEFAULTS})
   */
  concurrency?: number | undefined;
  /** A token from an earlier page: the walk resumes at the page it points to. */
  resume?: PageToken | undefined;
  /** Stop after this many pages. */
  maxPages?: number | undefined;
  /** Aborts the walk, including waits and requests in flight. */
  signal?: AbortSignal | undefined;
  /** A client to reuse, e.g. one per source so its walks share one rate budget. */
  client?: HttpClient | undefined;
  /** The walk's events: `detected`, and its own requests' retries, waits and warnings, also on a shared `client`. */
  onEvent?: ((event: WalkEvent) => void) | undefined;
}

/** One page of a walk. */
export interface Page<T = unknown> {
  /** 0-based position of the page in this walk. */
  readonly index: number;
  readonly records: T[];
  /**
   * Where the walk goes next: pass it as `resume` to continue after this page.
   * `null` when this page was the last one.
   */
  readonly token: PageToken | null;
  /** The token that fetched this page. */
  readonly pageToken: PageToken;
  readonly response: {
    readonly status: number;
    readonly headers: Headers;
    /** Redacted URL of the page. */
    readonly url: string;
    /** What its rate-limit headers said (read once, by the client). */
    readonly rateLimit: ServerRateInfo;
  };
  /**
   * Records the API says the whole walk holds, when it says so (the
   * paginator's `totalPath`, else `X-Total-Count` or a top-level
   * `count`/`total`/`total_count`/`totalCount`): for progress, and for a sync
   * to tell a partial walk.
   */
  readonly total: number | undefined;
  /** Pages the API says the whole walk has (`totalPagesPath`, else a top-level `total_pages`/`totalPages`). */
  readonly totalPages: number | undefined;
  /** Attempts the page took (1 = no retry). */
  readonly attempts: number;
  /** Milliseconds waited on the budget and on retries for this page. */
  readonly waitedMs: number;
}

/** The defaults of {@link PaginateOptions} beyond the client's (those are {@link CLIENT_DEFAULTS}). */
export const WALK_DEFAULTS = { concurrency: 1 } as const;

const isHttpUrl = (value: string): boolean => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol);

// Not strict: the client's options travel in the same object.
const walkOptions = z.object({
  url: z.string(expecting('an absolute http(s) URL')).refine(isHttpUrl, expecting('an absolute http(s) URL')),
  // Checked here too: with a `client` given, the client's own check never sees them.
  params: queryParamsSchema.optional(),
  method: requestMethodSchema.optional(),
  json: jsonBodySchema.optional(),
  form: queryParamsSchema.optional(),
  graphql: graphqlRequestSchema.optional(),
  responseActions: responseActionsSchema.optional(),
  headers: headersSchema.optional(),
  records: recordsPathSchema.optional(),
  concurrency: positiveInteger.optional(),
  maxPages: positiveInteger.optional(),
});

/** The walk's own options, checked like the config's (a {@link ConfigError} at the option), defaults applied. */
export interface ResolvedWalkOptions {
  /** `url`, normalized. */
  readonly baseUrl: string;
  readonly concurrency: number;
  readonly maxPages: number | undefined;
  readonly method: RequestMethod;
}

export function resolveWalkOptions(options: PaginateOptions): ResolvedWalkOptions {
  const parsed = parseOptions(walkOptions, options);
  if (parsed.issues !== undefined) throw ConfigError.fromIssue('', parsed.issues[0] as (typeof parsed.issues)[number]);
  const { url, concurrency = WALK_DEFAULTS.concurrency, maxPages } = parsed.data;
  const graphql = options.graphql !== undefined;
  const method = parsed.data.method ?? (graphql ? 'POST' : 'GET');
  const bodyIssue =
    graphqlProblem(graphql, options.json !== undefined || options.form !== undefined, options.paginator) ??
    requestBodyProblem(method, options.json !== undefined || graphql, options.form !== undefined, paramLocationOf(options.paginator));
  if (bodyIssue !== undefined) throw new ConfigError(bodyIssue.path, bodyIssue.message);
  return { baseUrl: new URL(url).toString(), concurrency, maxPages, method };
}
