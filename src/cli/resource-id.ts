import type { ResolvedConfig, ResolvedResource } from '../config/types.js';
import { ConfigError } from '../errors/config-error.js';
import { didYouMean } from '../util/did-you-mean.js';

/**
 * The resource a command line names by its `source.resource` id; a name that
 * is none is a `ConfigError` with a case-insensitive "did you mean" hint.
 */
export function findResource(config: ResolvedConfig, id: string, option: string): ResolvedResource {
  const resource = config.resources.find((candidate) => candidate.id === id);
  if (resource) return resource;
  const ids = config.resources.map((candidate) => candidate.id);
  throw new ConfigError(option, `unknown resource "${id}"${didYouMean(id, ids)}; expected one of ${ids.join(', ') || '(none declared)'}`);
}
