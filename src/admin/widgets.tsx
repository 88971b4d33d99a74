import type { RunRecord, RunStatus } from '../store/types.js';
import { cellText, truncate } from './format.js';

/** A run's status as a colored label. */
export function StatusBadge({ status }: { status: RunStatus | 'never' | 'stale' | 'ok' }) {
  return <span class={`badge badge-${status}`}>{status}</span>;
}

/** A cell value with its exact digits; null as a marked `null`, never an empty cell. */
export function Cell({ value, max = 80 }: { value: unknown; max?: number }) {
  if (value === null || value === undefined) return <span class="null">null</span>;
  const text = cellText(value);
  const cut = truncate(text, max);
  return cut === text ? text : <span title={text}>{cut}</span>;
}

const WIDTH = 120;
const HEIGHT = 28;

/**
 * Records per run over the last runs, oldest first, as an inline SVG: no
 * script needed. Failed runs are red dots on the line.
 */
export function Sparkline({ runs }: { runs: readonly Pick<RunRecord, 'records' | 'status'>[] }) {
  if (runs.length === 0) return <span class="muted">no runs</span>;
  const max = Math.max(1, ...runs.map((run) => run.records));
  const step = runs.length > 1 ? WIDTH / (runs.length - 1) : 0;
  const points = runs.map(
    (run, index) => [runs.length > 1 ? index * step : WIDTH / 2, HEIGHT - 2 - (run.records / max) * (HEIGHT - 4)] as const,
  );
  const label = `records per run, last ${runs.length}: ${runs.map((run) => run.records).join(', ')}`;
  return (
    <svg class="sparkline" width={WIDTH} height={HEIGHT} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={label}>
      <title>{label}</title>
      {runs.length > 1 ? (
        <polyline points={points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ')} />
      ) : (
        <circle cx={points[0]![0].toFixed(1)} cy={points[0]![1].toFixed(1)} r="2.5" />
      )}
      {runs.map((run, index) =>
        run.status === 'failed' ? (
          <circle class="failed" cx={points[index]![0].toFixed(1)} cy={points[index]![1].toFixed(1)} r="2.5" />
        ) : null,
      )}
    </svg>
  );
}

/** Hidden CSRF field for a form that acts. */
export function CsrfField({ token }: { token: string }) {
  return <input type="hidden" name="_csrf" value={token} />;
}
