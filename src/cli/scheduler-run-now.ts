import { AdminHttpError } from '../admin/admin-http-error.js';
import type { RunNow, RunNowResult } from '../admin/run-now.js';
import type { ResolvedResource } from '../config/types.js';
import { EmbeddedRuntime } from '../runtime/embedded/embedded-runtime.js';
import type { Runtime } from '../runtime/runtime.js';

/**
 * Run now for an admin beside `siphon start`: once the scheduler runs, runs
 * go to it (the embedded runtime) or to the workers' queue (distributed mode,
 * where `siphon start` only keeps the schedules in Redis).
 */
export class SchedulerRunNow implements RunNow {
  #target: RunNow | undefined;
  #close: (() => Promise<void>) | undefined;

  async attach(runtime: Runtime, redisUrl: string | undefined): Promise<void> {
    if (runtime instanceof EmbeddedRuntime) {
      const { embeddedRunNow } = await import('../admin/embedded-run-now.js');
      this.#target = embeddedRunNow(runtime);
    } else if (redisUrl) {
      const { queueRunNow } = await import('../admin/queue-run-now.js');
      const queue = await queueRunNow({ redisUrl, prefix: process.env.SIPHON_QUEUE_PREFIX || undefined });
      this.#target = queue;
      this.#close = () => queue.close();
    }
  }

  run(resource: ResolvedResource): Promise<RunNowResult> {
    if (!this.#target) throw new AdminHttpError(409, 'the scheduler is still starting; try again in a moment');
    return this.#target.run(resource);
  }

  async close(): Promise<void> {
    await this.#close?.();
  }
}
