import { type CursorOptions, cursor } from './cursor.js';
import { type LinkHeaderOptions, linkHeader } from './link-header.js';
import { type NextUrlOptions, nextUrl } from './next-url.js';
import { type OffsetOptions, offset } from './offset.js';
import { type PageNumberOptions, pageNumber } from './page-number.js';
import { type SingleOptions, single } from './single.js';
import type { Paginator, PaginatorInit } from './types.js';

/** How to build one strategy from its (checked) options. */
export interface Strategy<O> {
  /** `path` locates the options in error messages (`sources.api.resources.items.paginator`). */
  readonly create: (options: O, init: PaginatorInit, path: string) => Paginator;
}

/**
 * The concrete strategies by config name, in the order messages list them:
 * the one table behind both the registry (which adds `auto`) and `auto`'s
 * detection (which settles on one of these), so a strategy added here is
 * known to both.
 */
export const strategies = {
  pageNumber: { create: (options, init) => pageNumber(options, init) } satisfies Strategy<PageNumberOptions>,
  offset: { create: (options, init, path) => offset(options, init, path) } satisfies Strategy<OffsetOptions>,
  cursor: { create: (options) => cursor(options) } satisfies Strategy<CursorOptions>,
  nextUrl: { create: (options) => nextUrl(options) } satisfies Strategy<NextUrlOptions>,
  linkHeader: { create: (options) => linkHeader(options) } satisfies Strategy<LinkHeaderOptions>,
  single: { create: (options) => single(options) } satisfies Strategy<SingleOptions>,
} as const;

/** The config name of a concrete strategy. */
export type StrategyName = keyof typeof strategies;

/** Whether `name` names a concrete strategy. */
export function isStrategyName(name: unknown): name is StrategyName {
  return typeof name === 'string' && Object.hasOwn(strategies, name);
}
