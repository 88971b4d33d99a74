import type { ResolvedConfig, ResolvedResource } from '../config/types.js';
import type { Store } from '../store/types.js';
import { ClientPool } from '../sync/client-pool.js';
import { runResource } from '../sync/run-resource.js';
import type { SyncEvent } from '../sync/sync-events.js';
import type { RunNow, RunNowResult } from './run-now.js';

export interface DirectRunNowOptions {
  readonly config: ResolvedConfig;
  readonly store: Store;
  readonly onEvent?: ((event: SyncEvent) => void) | undefined;
  /** Reported when a run could not even start (the store failed). */
  readonly onError?: ((error: unknown, resource: ResolvedResource) => void) | undefined;
}

/**
 * Run now without a scheduler (`siphon admin` over a database): each run is
 * a `runResource` in this process, one per resource at a time here and, by
 * its lease, across processes. Closing interrupts the runs going (each keeps
 * its checkpoint) and waits for them to record it.
 */
export class DirectRunNow implements RunNow, AsyncDisposable {
  readonly #options: DirectRunNowOptions;
  readonly #clients = new ClientPool();
  readonly #abort = new AbortController();
  readonly #running = new Map<string, Promise<void>>();

  constructor(options: DirectRunNowOptions) {
    this.#options = options;
  }

  async run(resource: ResolvedResource): Promise<RunNowResult> {
    if (this.#abort.signal.aborted) throw new Error('closed');
    if (this.#running.has(resource.id)) return { status: 'busy' };
    const { config, store, onEvent, onError } = this.#options;
    const run = runResource({ config, resource, store, clients: this.#clients, trigger: 'manual', signal: this.#abort.signal, onEvent })
      .then(
        () => undefined,
        (error: unknown) => onError?.(error, resource),
      )
      .finally(() => this.#running.delete(resource.id));
    this.#running.set(resource.id, run);
    return { status: 'started' };
  }

  async close(): Promise<void> {
    this.#abort.abort(new Error('the admin is shutting down'));
    await Promise.allSettled(this.#running.values());
    await this.#clients.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
