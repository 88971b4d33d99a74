/*
 * XML 1.0 cannot carry most control characters (exceljs drops them
 * silently), and reads a CR back as LF. Office Open XML has an escape for
 * them, `_xHHHH_` (ECMA-376 Part 1, ST_Xstring), which Excel and LibreOffice
 * decode back into the character; text that happens to look like one gets
 * its underscore escaped (`_x005F_`) so it reads back as written.
 */
const ESCAPED = new RegExp(
  [
    // Control characters but TAB and LF (CR included), DEL, the non-characters U+FFFE/U+FFFF,
    '[\\u0000-\\u0008\\u000B-\\u001F\\u007F\\uFFFE\\uFFFF]',
    // a lone surrogate (half a character: no UTF-8 for it),
    '[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])',
    '(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]',
    // and text that reads as an escape.
    '_(?=x[0-9A-Fa-f]{4}_)',
  ].join('|'),
  'g',
);

const escapeCode = (character: string): string => `_x${character.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}_`;

/** Text as an XLSX cell must hold it to read back exactly (see above). */
export function xlsxText(text: string): string {
  ESCAPED.lastIndex = 0;
  return ESCAPED.test(text) ? text.replace(ESCAPED, escapeCode) : text;
}
