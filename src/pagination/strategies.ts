import type * as z from 'zod';
import type { OptionIssue } from '../util/option-issues.js';
import { type CursorOptions, cursor, cursorOptionsSchema } from './cursor.js';
import { type LinkHeaderOptions, linkHeader, linkHeaderOptionsSchema } from './link-header.js';
import { type NextUrlOptions, nextUrl, nextUrlOptionsSchema } from './next-url.js';
import { type OffsetOptions, offset, offsetInitIssue, offsetOptionsSchema } from './offset.js';
import { type PageNumberOptions, pageNumber, pageNumberOptionsSchema } from './page-number.js';
import { type RelayOptions, relay, relayOptionsSchema } from './relay.js';
import { type SingleOptions, single, singleOptionsSchema } from './single.js';
import type { Paginator, PaginatorInit } from './types.js';

/** One strategy: its option schema and how to build it from options that passed it. */
export interface Strategy<O> {
  /** Its options, `type` included; `createPaginator` and the config file check them with it. */
  readonly schema: z.ZodType<O>;
  /** `path` locates the options in error messages (`sources.api.resources.items.paginator`). */
  readonly create: (options: O, init: PaginatorInit, path: string) => Paginator;
  /** What the options need of the base request that the schema cannot see (offset: a limit, here or in the params). */
  readonly checkInit?: (options: O, init: PaginatorInit) => OptionIssue | undefined;
}

/**
 * The concrete strategies by config name, in the order messages list them:
 * the one table behind both the registry (which adds `auto`) and `auto`'s
 * detection (which settles on one of these), so a strategy added here is
 * known to both.
 */
export const strategies = {
  pageNumber: {
    schema: pageNumberOptionsSchema,
    create: (options, init) => pageNumber(options, init),
  } satisfies Strategy<PageNumberOptions>,
  offset: {
    schema: offsetOptionsSchema,
    create: (options, init, path) => offset(options, init, path),
    checkInit: offsetInitIssue,
  } satisfies Strategy<OffsetOptions>,
  cursor: { schema: cursorOptionsSchema, create: (options) => cursor(options) } satisfies Strategy<CursorOptions>,
  nextUrl: { schema: nextUrlOptionsSchema, create: (options) => nextUrl(options) } satisfies Strategy<NextUrlOptions>,
  linkHeader: { schema: linkHeaderOptionsSchema, create: (options) => linkHeader(options) } satisfies Strategy<LinkHeaderOptions>,
  relay: { schema: relayOptionsSchema, create: (options) => relay(options) } satisfies Strategy<RelayOptions>,
  single: { schema: singleOptionsSchema, create: (options) => single(options) } satisfies Strategy<SingleOptions>,
} as const;

/** The config name of a concrete strategy. */
export type StrategyName = keyof typeof strategies;

/** Whether `name` names a concrete strategy. */
export function isStrategyName(name: unknown): name is StrategyName {
  return typeof name === 'string' && Object.hasOwn(strategies, name);
}
