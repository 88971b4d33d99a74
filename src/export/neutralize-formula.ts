/**
 * Spreadsheets open a CSV cell starting with one of these as a formula
 * (`=HYPERLINK(…)`, `+cmd|…`, `@SUM(…)`); TAB and CR can hide such a start
 * from a quick look. OWASP's CSV-injection advice lists the ASCII ones; the
 * full-width forms are there because Apple Numbers folds them to ASCII (as
 * csv-stringify's own `escape_formulas` knows).
 */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** A whole-cell decimal literal such as `-12.50` or `-1e5`: a number, never a formula. */
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Prefixes `'` to text a spreadsheet would otherwise evaluate as a formula.
 *
 * @param allowNumbers keep a whole-cell number literal (`-12.5`) as is: set for
 *   numeric columns and for untyped report cells, whose drivers hand decimal
 *   results over as strings; left unset for text columns, whose content is
 *   never a number to us.
 */
export function neutralizeFormula(text: string, allowNumbers = false): string {
  if (!FORMULA_START.test(text)) return text;
  if (allowNumbers && PLAIN_NUMBER.test(text)) return text;
  return `'${text}`;
}
