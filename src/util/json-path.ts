/**
 * A small JSON path: `$` (the whole document), dotted keys (`status.error_code`,
 * `$.data.items`), array indexes (`results[0]`) and quoted keys
 * (`['next-page']`). Wildcards and filters are deliberately not supported:
 * every path names exactly one place, which keeps paginator and record
 * selection predictable.
 */
export type JsonPathSegment = string | number;

export interface JsonPath {
  /** The path as written. */
  readonly source: string;
  readonly segments: readonly JsonPathSegment[];
  /** The value at the path, or `undefined` when any step is missing. */
  get(document: unknown): unknown;
}

const cache = new Map<string, JsonPath>();

/** Parses `source` once; throws a `SyntaxError` naming the offending position. */
export function jsonPath(source: string): JsonPath {
  const cached = cache.get(source);
  if (cached) return cached;
  const segments = parseSegments(source);
  const [only] = segments;
  // One key (a column's field, most often) is read for every record: without the loop.
  const get = segments.length === 1 && typeof only === 'string' ? readKey(only) : readPath(segments);
  const path: JsonPath = { source, segments, get };
  if (cache.size < 1000) cache.set(source, path);
  return path;
}

function readKey(key: string): (document: unknown) => unknown {
  return (document) =>
    document !== null && typeof document === 'object' && Object.hasOwn(document, key)
      ? (document as Record<string, unknown>)[key]
      : undefined;
}

function readPath(segments: readonly JsonPathSegment[]): (document: unknown) => unknown {
  return (document) => {
    let current: unknown = document;
    for (const segment of segments) {
      if (current === null || typeof current !== 'object') return undefined;
      if (typeof segment === 'number') {
        if (!Array.isArray(current)) return undefined;
        current = current[segment < 0 ? current.length + segment : segment];
      } else {
        if (!Object.hasOwn(current, segment)) return undefined;
        current = (current as Record<string, unknown>)[segment];
      }
    }
    return current;
  };
}

function parseSegments(source: string): JsonPathSegment[] {
  const text = source.trim();
  if (text === '' || text === '$') return [];
  const segments: JsonPathSegment[] = [];
  let i = 0;
  if (text[0] === '$') i = 1;
  const fail = (why: string): never => {
    throw new SyntaxError(`invalid JSON path "${source}" at character ${i + 1}: ${why}`);
  };
  let expectKey = i === 0; // a bare path starts with a key: `data.items`
  while (i < text.length) {
    const ch = text[i];
    if (expectKey || ch === '.') {
      if (ch === '.') i += 1;
      const match = /^[A-Za-z_$@][\w$@-]*/.exec(text.slice(i));
      if (!match) fail('expected a key name');
      segments.push((match as RegExpExecArray)[0]);
      i += (match as RegExpExecArray)[0].length;
      expectKey = false;
    } else if (ch === '[') {
      const rest = text.slice(i);
      const index = /^\[\s*(-?\d+)\s*\]/.exec(rest);
      const quoted = /^\[\s*(['"])((?:\\.|(?!\1).)*)\1\s*\]/.exec(rest);
      if (index) {
        segments.push(Number(index[1]));
        i += index[0].length;
      } else if (quoted) {
        segments.push((quoted[2] as string).replace(/\\(.)/g, '$1'));
        i += quoted[0].length;
      } else {
        fail("expected [number] or ['key']");
      }
    } else {
      fail(`unexpected "${ch}"`);
    }
  }
  return segments;
}
