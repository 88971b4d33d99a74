import type { ResolvedConfig } from '../../config/types.js';
import { nextFire } from './startup-plan.js';

/** One scheduled resource, as `siphon start` lists it. */
export interface ScheduleRow {
  readonly resource: string;
  readonly schedule: string;
  readonly timezone: string;
  /** `undefined` when the expression never fires again. */
  readonly nextRun: Date | undefined;
}

/** The resources that have a schedule, in config order, with their next fire time. */
export function scheduleTable(config: ResolvedConfig, now: Date = new Date()): ScheduleRow[] {
  return config.resources.flatMap((resource) =>
    resource.schedule === undefined
      ? []
      : [
          {
            resource: resource.id,
            schedule: resource.schedule,
            timezone: resource.timezone,
            nextRun: nextFire(resource.schedule, resource.timezone, now),
          },
        ],
  );
}
