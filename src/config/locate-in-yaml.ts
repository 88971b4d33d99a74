import { type Document, isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { splitPath } from '../util/option-path.js';

export interface ParsedYaml {
  readonly document: Document;
  readonly lineCounter: LineCounter;
}

/** Parses YAML (or JSON, which YAML 1.2 reads too) keeping positions. */
export function parseYaml(text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  // Merge keys (`<<: *defaults`) keep large configs DRY; aliases stay capped against "billion laughs".
  const document = parseDocument(text, { lineCounter, prettyErrors: true, merge: true, uniqueKeys: true });
  return { document, lineCounter };
}

/**
 * Maps a config path to `file:line:col` of its key (or of the nearest
 * enclosing node that exists, for a missing key).
 */
export function yamlLocator({ document, lineCounter }: ParsedYaml, file: string): (path: string) => string | undefined {
  return (path) => {
    const segments = splitPath(path);
    if (segments === undefined) return undefined;
    let node: unknown = document.contents;
    let offset = (document.contents as { range?: [number, number, number] } | null)?.range?.[0];
    for (const segment of segments) {
      if (isMap(node)) {
        const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
        if (pair === undefined) break;
        offset = (pair.key as { range?: [number, number, number] }).range?.[0] ?? offset;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        node = node.items[segment];
        offset = (node as { range?: [number, number, number] } | undefined)?.range?.[0] ?? offset;
      } else {
        break;
      }
    }
    if (offset === undefined) return undefined;
    const { line, col } = lineCounter.linePos(offset);
    return `${file}:${line}:${col}`;
  };
}
