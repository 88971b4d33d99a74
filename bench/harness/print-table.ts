import type { Figure } from './figure.js';

/** The one table `npm run bench` prints: figure, goal, baseline, measured, ratio, pass/fail. */
export function formatFigures(figures: readonly Figure[]): string {
  const header = ['scenario', 'figure', 'goal', 'baseline', 'measured', 'ratio', 'result'];
  const rows = figures.map((f) => [f.scenario, f.figure, f.goal, f.baseline, f.measured, f.ratio.toFixed(2), f.pass ? 'pass' : 'FAIL']);
  const widths = header.map((_, i) => Math.max(header[i]!.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  const rule = `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`;
  const notes = figures.filter((f) => f.note).map((f) => `- ${f.scenario} / ${f.figure}: ${f.note}`);
  return [line(header), rule, ...rows.map(line), ...(notes.length > 0 ? ['', ...notes] : [])].join('\n');
}
