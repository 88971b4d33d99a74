export { loadConfig, type LoadConfigOptions } from './load-config.js';
export { parseConfig, type ParseConfigOptions } from './parse-config.js';
export { defineConfig } from './define-config.js';
export { ConfigValidationError, type ConfigIssue } from './config-validation-error.js';
export { CONFIG_DEFAULTS, CONFIG_FILE_NAMES, DATABASE_ENV } from './defaults.js';
export { siphonConfigSchema } from './schema.js';
export type { ConfigEnv } from './env.js';
export type {
  ColumnConfig,
  EndpointDefaults,
  IncrementalConfig,
  ParentLink,
  ReportConfig,
  ResolvedColumn,
  ResolvedConfig,
  ResolvedResource,
  ResolvedSource,
  ResourceConfig,
  RetryConfig,
  SiphonConfig,
  SourceConfig,
} from './types.js';
