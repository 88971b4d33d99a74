import { SiphonError } from './siphon-error.js';

const REASONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOENT: 'its directory does not exist',
  ENOTDIR: 'a part of its directory is not a directory',
  EISDIR: 'it is a directory',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
};

/**
 * An export could not be written to its file. The message names the file
 * asked for, never the temporary file the export writes first, and says why.
 */
export class ExportFileError extends SiphonError {
  override name = 'ExportFileError' as const;
  /** The output file as given. */
  readonly path: string;

  constructor(path: string, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    const reason = (code && REASONS[code]) ?? (cause instanceof Error ? cause.message : String(cause));
    super(`cannot write the export to ${path}: ${reason}${code ? ` (${code})` : ''}`, { cause, retryable: false });
    this.path = path;
  }
}
