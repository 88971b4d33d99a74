export { type ConfigIssue, ConfigValidationError } from '../errors/config-validation-error.js';
export { CONFIG_DEFAULTS, CONFIG_FILE_NAMES, DATABASE_ENV } from './defaults.js';
export { defineConfig } from './define-config.js';
export type { ConfigEnv } from './env.js';
export { type LoadConfigOptions, loadConfig } from './load-config.js';
export { type ParseConfigOptions, parseConfig } from './parse-config.js';
export { siphonConfigSchema } from './schema.js';
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
