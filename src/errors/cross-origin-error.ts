import { SiphonError, type SiphonErrorOptions } from './siphon-error.js';

/** A next link points at another origin and `crossOrigin: 'refuse'` is set. */
export class CrossOriginError extends SiphonError {
  override name = 'CrossOriginError' as const;
  readonly from: string;
  readonly to: string;

  constructor(from: string, to: string, options: SiphonErrorOptions = {}) {
    super(`refusing to follow a link from ${from} to another origin, ${to} (crossOrigin: 'refuse')`, { ...options, retryable: false });
    this.from = from;
    this.to = to;
  }
}
