import { stringifyJson } from '../util/exact-json.js';

/** A cell as text: exact digits for big numbers, JSON for objects, empty for null. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  return stringifyJson(value);
}

/** Formats rows as an aligned text table; numbers right-aligned. */
export function formatTable(columns: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const texts = rows.map((row) => row.map((cell) => cellText(cell).replace(/\s+/g, ' ')));
  const widths = columns.map((name, i) => Math.min(60, Math.max(name.length, ...texts.map((row) => (row[i] ?? '').length))));
  const numeric = columns.map(
    (_, i) => rows.length > 0 && rows.every((row) => ['number', 'bigint'].includes(typeof row[i]) || row[i] === null),
  );
  const fitCell = (text: string, i: number): string => {
    const width = widths[i] ?? 0;
    const cut = text.length > width ? `${text.slice(0, width - 1)}…` : text;
    return numeric[i] ? cut.padStart(width) : cut.padEnd(width);
  };
  const lines = [columns.map((name, i) => fitCell(name, i)).join('  '), widths.map((width) => '-'.repeat(width)).join('  ')];
  for (const row of texts) lines.push(row.map((cell, i) => fitCell(cell, i)).join('  '));
  return `${lines.map((line) => line.trimEnd()).join('\n')}\n`;
}
