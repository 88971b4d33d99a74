/**
 * The demo API's cursor-paged events, synced by one resource `demo.events`
 * into `events`: the workload of the crash, restart and resume suites.
 */
export interface CursorEventsConfig {
  readonly baseUrl: string;
  readonly database: string;
  readonly write: 'replace' | 'merge' | 'append';
  /** Records per page. */
  readonly page: number;
  /** @default page (one page a batch) */
  readonly batchSize?: number | undefined;
  /** Extra lines under the source, indented as source keys (`rateLimit: …`). */
  readonly sourceLines?: readonly string[] | undefined;
  /** Columns beyond `id: bigint` and `amount: decimal(12,2)`, as `name: type`. */
  readonly moreColumns?: readonly string[] | undefined;
}

/** The YAML config; `append` has no key, the other modes key on `id`. */
export function cursorEventsYaml(options: CursorEventsConfig): string {
  const source = (options.sourceLines ?? []).map((line) => `    ${line}\n`).join('');
  const columns = ['id: bigint', 'amount: decimal(12,2)', ...(options.moreColumns ?? [])].map((line) => `          ${line}\n`).join('');
  return `
database: ${options.database}
sources:
  demo:
    baseUrl: ${options.baseUrl}
${source}    resources:
      events:
        path: /cursor/events
        params: { limit: ${options.page} }
        paginator: { type: cursor, cursorPath: next_cursor, cursorParam: cursor, hasMorePath: has_more }
        records: data
        ${options.write === 'append' ? '' : 'primaryKey: id'}
        write: ${options.write}
        batchSize: ${options.batchSize ?? options.page}
        columns:
${columns}`;
}

/** mulberry32: small, seeded, good enough to pick kill points that a seed replays. */
export function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
