import type { EmbeddedRuntime } from '../runtime/embedded/embedded-runtime.js';
import type { RunNow } from './run-now.js';

/** Run now through the scheduler running in this process (`siphon start`): its runs, its retries, its shutdown. */
export function embeddedRunNow(runtime: EmbeddedRuntime): RunNow {
  return {
    async run(resource) {
      return { status: runtime.runNow(resource.id) ? 'started' : 'busy' };
    },
  };
}
