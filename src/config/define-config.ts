import type { SiphonConfig } from './types.js';

/**
 * Types a `siphon.config.ts`: `export default defineConfig({ sources: { … } })`.
 * It returns its argument unchanged; the checks happen when the config is loaded.
 */
export function defineConfig(config: SiphonConfig): SiphonConfig {
  return config;
}
