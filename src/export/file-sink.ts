import { randomBytes } from 'node:crypto';
import { type FileHandle, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ExportFileError } from '../errors/export-file-error.js';
import { BufferedSink } from './chunk-sink.js';

/**
 * Writes to a hidden temporary file beside `path` and renames it to `path` on
 * close, so a reader never sees half an export under the final name and a
 * failed export leaves the previous file (if any) in place. The rename is
 * atomic because both names are in one directory.
 */
export class FileSink extends BufferedSink {
  readonly #handle: FileHandle;
  readonly #temporary: string;
  readonly #path: string;

  private constructor(handle: FileHandle, temporary: string, path: string) {
    super();
    this.#handle = handle;
    this.#temporary = temporary;
    this.#path = path;
  }

  static async open(path: string): Promise<FileSink> {
    const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
    // `wx`: never clobber a file that happens to have the temporary name.
    const handle = await open(temporary, 'wx').catch((error: unknown) => {
      throw new ExportFileError(path, error);
    });
    return new FileSink(handle, temporary, path);
  }

  protected async writeOut(chunk: string | Uint8Array): Promise<void> {
    // writeFile on a handle writes all of `chunk` at the current position
    // (a bare write may write part of it).
    await this.#handle.writeFile(chunk).catch((error: unknown) => {
      throw new ExportFileError(this.#path, error);
    });
  }

  protected async finish(): Promise<void> {
    try {
      await this.#handle.close();
      await rename(this.#temporary, this.#path);
    } catch (error) {
      // The temporary file is the sink's business; the user asked for `path`.
      throw new ExportFileError(this.#path, error);
    }
  }

  async abort(): Promise<void> {
    await this.#handle.close().catch(() => undefined);
    await rm(this.#temporary, { force: true });
  }
}
