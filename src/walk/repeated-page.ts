import type { PaginatorConfig } from '../pagination/registry.js';
import { stringifyJson } from '../util/exact-json.js';

/** The option whose value the server must honour for each strategy to move on. */
const MOVING_OPTION: Readonly<Record<string, readonly [option: string, fallback: string]>> = {
  pageNumber: ['pageParam', 'page'],
  offset: ['offsetParam', 'offset'],
  cursor: ['cursorParam', 'cursor'],
};

/** What is kept of the page before: enough to compare the next page with it in full, when it has to be. */
interface PreviousPage {
  readonly count: number;
  /** Its first and last record, serialized exactly. */
  readonly ends: string;
  /** Its body as received: the records are read again from it, since the caller may have changed the ones it was handed. */
  readonly text: string;
}

/**
 * Tells a page that holds the same records as the page before it (a server
 * ignoring the page parameter sends its first page again and again): the
 * same verdict as comparing the two pages' records serialized exactly, for
 * the price of serializing two records a page. Pages that differ almost
 * always differ in their count or their first or last record; only pages
 * that agree there are compared in full. Identical bodies hold identical
 * records; different bodies may still hold the same records (an envelope
 * with a request id, a timestamp or the URL asked for), so then the page
 * before is read again from its body text and both are compared whole.
 * A digest of the body alone would miss exactly those servers.
 */
export class RepeatedPageCheck {
  #previous: PreviousPage | undefined;

  /**
   * Whether `records`, read from the body `text`, are the previous page's
   * records. `reread` reads a page's records from its body text as the walk
   * did. An empty page repeats nothing and is not compared with the next.
   */
  repeats(records: readonly unknown[], text: string, reread: (text: string) => readonly unknown[]): boolean {
    const previous = this.#previous;
    if (records.length === 0) {
      this.#previous = undefined;
      return false;
    }
    const ends = stringifyJson([records[0], records[records.length - 1]]);
    this.#previous = { count: records.length, ends, text };
    if (previous === undefined || previous.count !== records.length || previous.ends !== ends) return false;
    return text === previous.text || stringifyJson(reread(previous.text)) === stringifyJson(records);
  }
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
