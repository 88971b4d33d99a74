import { Cron } from 'croner';
import type { RunRecord } from '../../store/types.js';

/** Why a resource runs as soon as the runtime starts. */
export type StartupPlan =
  | { readonly trigger: 'recovery'; readonly run: RunRecord }
  | {
      readonly trigger: 'catch-up';
      /** The latest tick before start, if any. */
      readonly missedAt: Date | undefined;
      /** The last run; `interrupted` when a shutdown cut it short. */
      readonly lastRun: RunRecord | undefined;
    };

export interface StartupPlanInput {
  /** 5- or 6-field cron. */
  readonly schedule: string;
  readonly timezone: string;
  /** The resource's history, newest first (a few rows are enough). */
  readonly runs: readonly RunRecord[];
  readonly now: Date;
}

/**
 * Whether a resource runs at start, and why: its newest run was left `running`
 * (recovery), or a tick fell while nothing ran it, or its run was interrupted
 * by a shutdown and its tick is not served yet (catch-up). Missed ticks
 * collapse into one run: a table synced once now is as fresh as one synced
 * once per missed tick, and a backlog of runs would only hammer the API.
 */
export function startupPlan(input: StartupPlanInput): StartupPlan | undefined {
  // A skipped row marks a tick that found a run already going, not a run.
  const last = input.runs.find((run) => run.status !== 'skipped');
  if (last?.status === 'running') return { trigger: 'recovery', run: last };
  const missedAt = previousFire(input.schedule, input.timezone, input.now);
  // Waiting for the next tick would leave a daily table half-refreshed for a day.
  if (last?.status === 'interrupted') return { trigger: 'catch-up', missedAt, lastRun: last };
  if (missedAt === undefined) return undefined;
  if (last === undefined || missedAt.getTime() > Date.parse(last.startedAt)) return { trigger: 'catch-up', missedAt, lastRun: last };
  return undefined;
}

/** The most recent fire time of `schedule` before `now`. */
export function previousFire(schedule: string, timezone: string, now: Date): Date | undefined {
  const cron = new Cron(schedule, { paused: true, timezone, mode: '5-or-6-parts' });
  try {
    return cron.previousRuns(1, now)[0];
  } finally {
    cron.stop();
  }
}

/** The next fire time of `schedule` after `now`. */
export function nextFire(schedule: string, timezone: string, now: Date): Date | undefined {
  const cron = new Cron(schedule, { paused: true, timezone, mode: '5-or-6-parts' });
  try {
    return cron.nextRun(now) ?? undefined;
  } finally {
    cron.stop();
  }
}
