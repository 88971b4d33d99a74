import type { Row } from '../store/types.js';
import type { Page } from '../walk/paginate-options.js';

/** What earlier attempts of a resumed run committed of a walk, and what the API had announced. */
export interface WalkCountStart {
  readonly pages: number;
  readonly records: number;
  readonly total?: number | null | undefined;
  readonly totalPages?: number | null | undefined;
}

/**
 * What one walk got against what its API announced: pages, records, the
 * distinct records among them (by primary key, when the first page announced
 * a total; every record counts otherwise), and the last total of records and
 * of pages a page announced.
 */
export class WalkCount {
  /** Says which walk it is, for a child walked once per parent row (`posts_id 7`). */
  readonly label: string | undefined;
  #pages: number;
  #records = 0;
  readonly #earlierRecords: number;
  readonly #keys: readonly string[];
  readonly #distinct = new Set<string>();
  #tracking: boolean | undefined;
  #total: number | undefined;
  #totalPages: number | undefined;

  constructor(keyColumns: readonly string[], start: WalkCountStart = { pages: 0, records: 0 }, label?: string) {
    this.#keys = keyColumns;
    this.label = label;
    this.#pages = start.pages;
    this.#earlierRecords = start.records;
    this.#total = start.total ?? undefined;
    this.#totalPages = start.totalPages ?? undefined;
  }

  page(page: Page): void {
    // Keys are only kept when the first page announces a total: a walk of
    // millions of records that announces none should not hold them all.
    this.#tracking ??= page.total !== undefined && this.#keys.length > 0;
    this.#pages += 1;
    this.#total = page.total ?? this.#total;
    this.#totalPages = page.totalPages ?? this.#totalPages;
  }

  row(row: Row): void {
    this.#records += 1;
    if (!this.#tracking) return;
    // Length-prefixed so ('a|b', 'c') and ('a', 'b|c') never meet.
    let key = '';
    for (const column of this.#keys) {
      const part = String(row[column]);
      key += `${part.length}:${part}`;
    }
    this.#distinct.add(key);
  }

  get pages(): number {
    return this.#pages;
  }

  /** Distinct records; those of earlier attempts count as they were committed. */
  get distinct(): number {
    return this.#earlierRecords + (this.#tracking ? this.#distinct.size : this.#records);
  }

  get total(): number | undefined {
    return this.#total;
  }

  get totalPages(): number | undefined {
    return this.#totalPages;
  }
}
