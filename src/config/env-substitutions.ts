import type { EnvSubstitution } from './env.js';
import type { ResolvedConfig } from './types.js';

// Kept beside the config rather than in it: the values are secrets, and a
// config that is logged or serialized should not carry a second copy.
const recorded = new WeakMap<ResolvedConfig, readonly EnvSubstitution[]>();

/** Remembers which `${env:NAME}` references filled `config`; returns the config. */
export function recordSubstitutions(config: ResolvedConfig, substitutions: readonly EnvSubstitution[]): ResolvedConfig {
  recorded.set(config, substitutions);
  return config;
}

/**
 * The `${env:NAME}` references that filled a config `loadConfig` or
 * `parseConfig` returned (path, variable name and value), so whatever shows
 * the config can show each by name instead of its value.
 */
export function envSubstitutions(config: ResolvedConfig): readonly EnvSubstitution[] {
  return recorded.get(config) ?? [];
}
