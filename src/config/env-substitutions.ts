import type { EnvSubstitution, MissingEnvReference } from './env.js';
import type { ResolvedConfig, ResolvedSource } from './types.js';

// Kept beside the config rather than in it: the values are secrets, and a
// config that is logged or serialized should not carry a second copy.
const recorded = new WeakMap<ResolvedConfig, readonly EnvSubstitution[]>();
const bySource = new WeakMap<ResolvedSource, readonly string[]>();
const missing = new WeakMap<ResolvedConfig, readonly MissingEnvReference[]>();

/**
 * Remembers which `${env:NAME}` references filled `config`, and which were
 * left as text because their variable is not set (`missingEnv: 'keep'`); returns the config.
 */
export function recordSubstitutions(
  config: ResolvedConfig,
  substitutions: readonly EnvSubstitution[],
  kept: readonly MissingEnvReference[] = [],
): ResolvedConfig {
  recorded.set(config, substitutions);
  missing.set(config, kept);
  // Every value of the config, not only the source's own: a secret is a secret
  // wherever it shows up, and a source's server may echo any of them.
  const values = substitutions.map((substitution) => substitution.value).filter((value) => value !== '');
  for (const source of Object.values(config.sources)) bySource.set(source, values);
  for (const resource of config.resources) bySource.set(resource.source, values);
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

/** The `${env:…}` values of the config `source` belongs to: the secrets its client keeps home and masks. */
export function sourceSecrets(source: ResolvedSource): readonly string[] {
  return bySource.get(source) ?? [];
}

/**
 * The `${env:NAME}` references of a config loaded with `missingEnv: 'keep'`
 * whose variable was not set: their values still hold the reference as text.
 */
export function missingEnvReferences(config: ResolvedConfig): readonly MissingEnvReference[] {
  return missing.get(config) ?? [];
}
