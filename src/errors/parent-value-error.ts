import { SiphonError, type SiphonErrorOptions } from './siphon-error.js';

/**
 * A parent row's value cannot go into its child's path: `.` and `..` are
 * dot-segments, which every URL parser resolves (percent-encoded or not), so
 * the request would leave the path the config names.
 */
export class ParentValueError extends SiphonError {
  override name = 'ParentValueError' as const;
  readonly resource: string;
  /** The placeholder, `{posts.id}`. */
  readonly placeholder: string;
  readonly value: string;

  constructor(resource: string, placeholder: string, value: string, options: SiphonErrorOptions = {}) {
    super(
      `${resource}: parent value ${JSON.stringify(value)} for ${placeholder} would be a "${value}" path segment, which URLs resolve away; refusing to request outside the resource's path`,
      { ...options, retryable: false },
    );
    this.resource = resource;
    this.placeholder = placeholder;
    this.value = value;
  }
}
