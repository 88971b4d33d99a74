import { SiphonError } from '../errors/siphon-error.js';

/** A request the admin cannot serve as asked: its status and a message fit to show. */
export class AdminHttpError extends SiphonError {
  override name = 'AdminHttpError' as const;
  readonly status: 400 | 403 | 404 | 409;

  constructor(status: 400 | 403 | 404 | 409, message: string) {
    super(message);
    this.status = status;
  }
}
