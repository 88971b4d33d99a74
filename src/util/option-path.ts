/**
 * Paths of config keys and options as messages print them: `sources.shop.resources.posts.paginator.limit`.
 * Keys that are not plain names (a column read from `roi.times`) are quoted,
 * `columns["roi.times"]`, so a path always names exactly one place.
 */
export type PathSegment = string | number;

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/** Appends `keys` to `base` (`''` for the top of the config). */
export function joinPath(base: string, ...keys: readonly PathSegment[]): string {
  let path = base;
  for (const key of keys) {
    if (typeof key === 'number') path += `[${key}]`;
    else if (PLAIN_KEY.test(key)) path += path === '' ? key : `.${key}`;
    else path += `[${JSON.stringify(key)}]`;
  }
  return path;
}

/** The inverse of {@link joinPath}; `undefined` when `path` is not one it could have written. */
export function splitPath(path: string): PathSegment[] | undefined {
  const segments: PathSegment[] = [];
  const token = /\.?([A-Za-z_$][\w$-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;
  let at = 0;
  while (at < path.length) {
    token.lastIndex = at;
    const match = token.exec(path);
    if (!match) return undefined;
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else segments.push(JSON.parse(match[3] as string) as string);
    at = token.lastIndex;
  }
  return segments;
}

/** Whether `path` is `ancestor` or lies below it, segment by segment (`a.b` is not within `a.bc`). */
export function isWithin(path: string, ancestor: string): boolean {
  const outer = splitPath(ancestor);
  const inner = splitPath(path);
  if (outer === undefined || inner === undefined || outer.length > inner.length) return false;
  return outer.every((segment, index) => segment === inner[index]);
}
