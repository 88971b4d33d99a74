import { createHash } from 'node:crypto';
import type { PaginatorConfig } from '../pagination/registry.js';
import { stringifyJson } from '../util/exact-json.js';

/** The option whose value the server must honour for each strategy to move on. */
const MOVING_OPTION: Readonly<Record<string, readonly [option: string, fallback: string]>> = {
  pageNumber: ['pageParam', 'page'],
  offset: ['offsetParam', 'offset'],
  cursor: ['cursorParam', 'cursor'],
};

/** A digest of a page's records: two pages with the same one hold the same records. */
export function pageDigest(records: readonly unknown[]): string {
  return createHash('sha256').update(stringifyJson(records)).digest('base64');
}

/** What to check when pages repeat, naming the paginator option that moves the walk. */
export function repeatedPageHint(type: string, config: PaginatorConfig | undefined, described: string): string {
  const moving = MOVING_OPTION[type];
  if (!moving) return `check the paginator options (${described}) against the API's documentation`;
  const [option, fallback] = moving;
  const value = config !== null && typeof config === 'object' ? (config as unknown as Record<string, unknown>)[option] : undefined;
  const current = typeof value === 'string' ? value : fallback;
  return `check the paginator's ${option} ("${current}"): the API may expect another parameter name`;
}
