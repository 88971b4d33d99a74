import type { ResolvedResource } from '../config/types.js';

/** What asking for a run did. */
export interface RunNowResult {
  /**
   * - `started`: the run starts in this process;
   * - `queued`: a worker will take it (distributed mode);
   * - `busy`: a run of the resource is already going (or queued), so none was added.
   */
  readonly status: 'started' | 'queued' | 'busy';
  /** The queue's job id, in distributed mode. */
  readonly job?: string | undefined;
}

/**
 * How the admin's Run now starts a run: the running scheduler, a direct
 * `runResource` in the admin's own process, or the queue workers share.
 */
export interface RunNow {
  run(resource: ResolvedResource): Promise<RunNowResult>;
}
