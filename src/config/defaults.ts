import { CLIENT_DEFAULTS } from '../http/client-options.js';
import type { WriteMode } from '../store/types.js';

/** Every default of the config, in one place. */
export const CONFIG_DEFAULTS = {
  /**
   * Relative SQLite paths resolve against the config file's directory.
   * @default 'sqlite:./siphon.db'
   */
  database: 'sqlite:./siphon.db',
  /**
   * Time zone of cron schedules (resource → source → top level → this).
   * @default 'UTC'
   */
  timezone: 'UTC',
  /**
   * Pages in flight per resource; for a child resource, parent rows walked
   * at once (see `EndpointDefaults.concurrency` in types.ts).
   * @default 2
   */
  concurrency: 2,
  /**
   * The method of a resource's requests.
   * @default 'GET'
   */
  method: 'GET',
  /**
   * Rows per transaction.
   * @default 1000
   */
  batchSize: 1000,
  /**
   * Fields not in `columns` become columns typed from the data.
   * @default 'infer'
   */
  undeclared: 'infer',
  /**
   * Pagination strategy detected from the first page.
   * @default 'auto'
   */
  paginator: 'auto',
  /**
   * Credentials are stripped from requests that leave the source's origin
   * (the client's own default).
   * @default 'strip'
   */
  crossOrigin: CLIENT_DEFAULTS.crossOrigin,
  /**
   * Bytes of one response body read at most, after decompression (the client's own default).
   * @default 67108864 (64 MB)
   */
  maxResponseSize: CLIENT_DEFAULTS.maxResponseSize,
  /**
   * A run that got fewer distinct records than the API announced fails.
   * @default true
   */
  expectTotal: true,
} as const;

/**
 * `merge` (upsert) when the resource has a primary key, `append` otherwise.
 * @default 'merge' | 'append'
 */
export function defaultWriteMode(hasPrimaryKey: boolean): WriteMode {
  return hasPrimaryKey ? 'merge' : 'append';
}

/** Files `loadConfig` looks for, first found wins. */
export const CONFIG_FILE_NAMES: readonly string[] = [
  'siphon.yaml',
  'siphon.yml',
  'siphon.json',
  'siphon.config.ts',
  'siphon.config.js',
  'siphon.config.mjs',
];

/** Environment variable that overrides `database`. */
export const DATABASE_ENV = 'SIPHON_DATABASE';
