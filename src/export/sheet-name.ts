/** Excel's longest worksheet name. */
const MAX_LENGTH = 31;

/**
 * A worksheet name Excel accepts: `\ / ? * [ ] :` become `_`, no leading or
 * trailing apostrophe, at most 31 characters (less `suffix`, which is kept),
 * not Excel's reserved `History`; `Sheet1` when nothing is left.
 */
export function sheetName(name: string, suffix = ''): string {
  let base = name
    .replace(/[\\/?*[\]:]/g, '_')
    .replace(/^'+|'+$/g, '')
    .trim();
  if (base === '') base = 'Sheet1';
  if (base.toLowerCase() === 'history') base = `${base}_`;
  return `${[...base].slice(0, MAX_LENGTH - suffix.length).join('')}${suffix}`;
}
