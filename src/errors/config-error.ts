import { SiphonError, type SiphonErrorOptions } from './siphon-error.js';

/** Options or a config file are invalid; `path` says where (`sources.api.resources.items.paginator.type`). */
export class ConfigError extends SiphonError {
  override name: string = 'ConfigError';
  readonly path: string;

  constructor(path: string, message: string, options: SiphonErrorOptions = {}) {
    super(path ? `${path}: ${message}` : message, options);
    this.path = path;
  }
}
