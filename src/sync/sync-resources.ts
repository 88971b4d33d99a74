import type { ResolvedConfig, ResolvedResource } from '../config/types.js';
import { ConfigError } from '../errors/config-error.js';
import type { RunTrigger, Store } from '../store/types.js';
import { didYouMean } from '../util/did-you-mean.js';
import { ClientPool } from './client-pool.js';
import { type RunOutcome, runResource } from './run-resource.js';
import type { SyncEvent } from './sync-events.js';

export interface SyncOptions {
  readonly config: ResolvedConfig;
  readonly store: Store;
  /** `source.resource` ids (or a source name for all its resources); all when empty. */
  readonly only?: readonly string[] | undefined;
  readonly trigger?: RunTrigger | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly onEvent?: ((event: SyncEvent) => void) | undefined;
  readonly worker?: string | undefined;
  /** Ignore checkpoints of unfinished runs and start from the first page. */
  readonly fresh?: boolean | undefined;
}

/** Picks resources by id or source name, keeping the config's parents-first order. */
export function selectResources(config: ResolvedConfig, only: readonly string[] = []): ResolvedResource[] {
  if (only.length === 0) return [...config.resources];
  const known = new Set(config.resources.map((resource) => resource.id));
  for (const name of only) {
    if (!known.has(name) && !config.resources.some((resource) => resource.source.name === name)) {
      const names = [...known, ...new Set(config.resources.map((resource) => resource.source.name))];
      throw new ConfigError(
        '',
        `unknown resource "${name}"${didYouMean(name, names)}; expected one of ${[...known].join(', ')} (or a source name)`,
      );
    }
  }
  return config.resources.filter((resource) => only.includes(resource.id) || only.includes(resource.source.name));
}

/**
 * Runs resources one after another, parents before children, sharing one
 * client (and rate budget) per source. A failed resource does not stop the
 * others; the outcomes say which failed.
 */
export async function syncResources(options: SyncOptions): Promise<RunOutcome[]> {
  const resources = selectResources(options.config, options.only);
  await options.store.init();
  const clients = new ClientPool();
  const outcomes: RunOutcome[] = [];
  try {
    for (const resource of resources) {
      if (options.signal?.aborted) break;
      outcomes.push(
        await runResource({
          config: options.config,
          resource,
          store: options.store,
          clients,
          trigger: options.trigger,
          signal: options.signal,
          onEvent: options.onEvent,
          worker: options.worker,
          fresh: options.fresh,
        }),
      );
    }
  } finally {
    await clients.close();
  }
  return outcomes;
}
