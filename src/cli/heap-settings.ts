import { setFlagsFromString } from 'node:v8';

/**
 * V8's garbage collector settings the `siphon` command starts with. Neither
 * is a ceiling: the heap may still grow as far as V8 allows by default, so a
 * page of `maxResponseSize` (64 MB of text, several times that once parsed)
 * is read as before. They only keep V8 from growing the heap far ahead of
 * what a run keeps, which a sync's steady stream of short-lived pages and
 * rows otherwise makes it do:
 *
 * - the young generation stays at its first size instead of doubling while
 *   pages survive a scavenge (a run keeps a batch, never more);
 * - the old generation is collected once it has grown by half of what
 *   survived the last full collection, not by up to four times.
 *
 * At 100,000 coins into SQLite the peak RSS is about 130 MB with them
 * against about 235 MB without, for a few percent more CPU time
 * (docs/performance.md, Memory).
 */
export const HEAP_FLAGS: readonly string[] = ['--semi-space-growth-factor=1', '--heap-growing-percent=50'];

/** Flags with which a user tunes the heap: given any of them, Siphon leaves the heap to the user. */
const USER_HEAP_FLAGS =
  /--(?:max-old-space-size|max-semi-space-size|min-semi-space-size|max-heap-size|semi-space-growth-factor|heap-growing-percent)\b/;

/**
 * Applies {@link HEAP_FLAGS} unless node was started with a heap flag of its
 * own (on its command line or in `NODE_OPTIONS`). Called first thing, before
 * the heap has grown: the young generation's growth is fixed from here on.
 * Returns the flags applied.
 */
export function applyHeapSettings(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string | undefined = process.env.NODE_OPTIONS,
): readonly string[] {
  // V8 reads `_` and `-` in a flag's name alike.
  const given = [...execArgv, nodeOptions ?? ''].some((text) => USER_HEAP_FLAGS.test(text.replaceAll('_', '-')));
  if (given) return [];
  for (const flag of HEAP_FLAGS) setFlagsFromString(flag);
  return HEAP_FLAGS;
}
