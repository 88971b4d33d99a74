import { sourceSecrets } from '../config/env-substitutions.js';
import type { ResolvedSource } from '../config/types.js';
import { HttpClient } from '../http/client.js';
import type { ClientEvent, HttpClientOptions } from '../http/client-options.js';
import type { RateBudget } from '../http/types.js';

export interface ClientPoolOptions {
  /**
   * The rate budget of a source's client, e.g. one shared with other workers
   * through Redis; `undefined` falls back to the in-process budget built from
   * the source's `rateLimit`.
   * @default every source gets an in-process budget from its `rateLimit`
   */
  readonly budgetFor?: ((source: ResolvedSource) => RateBudget | undefined) | undefined;
  /**
   * Replaces the source's retry policy and timeout for every client, e.g.
   * `siphon check`'s one attempt within 5 s, so a wrong address answers at once.
   * @default each source's own `retry` and `timeout`
   */
  readonly override?: Pick<HttpClientOptions, 'retry' | 'timeout'> | undefined;
}

/**
 * One HTTP client per source, so every resource of a source (and every
 * child walk of a fan-out) shares the source's rate budget and connections.
 */
export class ClientPool {
  readonly #clients = new Map<string, HttpClient>();
  readonly #listeners = new Map<string, Set<(event: ClientEvent) => void>>();
  readonly #budgetFor: ClientPoolOptions['budgetFor'];
  readonly #override: ClientPoolOptions['override'];

  constructor(options: ClientPoolOptions = {}) {
    this.#budgetFor = options.budgetFor;
    this.#override = options.override;
  }

  get(source: ResolvedSource): HttpClient {
    let client = this.#clients.get(source.name);
    if (!client) {
      client = new HttpClient({
        auth: source.auth,
        headers: source.headers,
        secrets: sourceSecrets(source),
        rateLimit: this.#budgetFor?.(source) ?? source.rateLimit,
        rateLimitedWhen: source.rateLimitedWhen,
        retry: source.retry,
        timeout: source.timeout,
        crossOrigin: source.crossOrigin,
        maxResponseSize: source.maxResponseSize,
        origin: new URL(source.baseUrl).origin,
        onEvent: (event) => {
          for (const listener of this.#listeners.get(source.name) ?? []) listener(event);
        },
        ...this.#override,
      });
      this.#clients.set(source.name, client);
    }
    return client;
  }

  /** Subscribes to the client events of one source; returns the unsubscribe function. */
  listen(source: string, listener: (event: ClientEvent) => void): () => void {
    let set = this.#listeners.get(source);
    if (!set) {
      set = new Set();
      this.#listeners.set(source, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  async close(): Promise<void> {
    const clients = [...this.#clients.values()];
    this.#clients.clear();
    await Promise.allSettled(clients.map((client) => client.close()));
  }
}
