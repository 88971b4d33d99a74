/**
 * Where an exporter's bytes go. Writers `await` every {@link ChunkSink.write},
 * which resolves at once while the sink has room and waits while the
 * destination is behind, so a fast row source never outruns a slow disk or
 * network peer.
 */
export interface ChunkSink {
  write(chunk: string | Uint8Array): Promise<void>;
  /** Everything written is handed over; a file gets its final name. */
  close(): Promise<void>;
  /** After a failure: a file is removed, a stream is left as it is. */
  abort(): Promise<void>;
}

// Rows are a few hundred bytes; handing each one to the destination on its
// own would cost a write call (a syscall, for a file) per row.
const FLUSH_AT = 64 * 1024;

/** Gathers small text chunks into ~64 KiB writes. */
export abstract class BufferedSink implements ChunkSink {
  #pending: string[] = [];
  #pendingLength = 0;

  protected abstract writeOut(chunk: string | Uint8Array): Promise<void>;
  protected abstract finish(): Promise<void>;
  abstract abort(): Promise<void>;

  write(chunk: string | Uint8Array): Promise<void> {
    if (typeof chunk !== 'string') return this.#flush().then(() => this.writeOut(chunk));
    this.#pending.push(chunk);
    this.#pendingLength += chunk.length;
    return this.#pendingLength >= FLUSH_AT ? this.#flush() : Promise.resolve();
  }

  async close(): Promise<void> {
    await this.#flush();
    await this.finish();
  }

  #flush(): Promise<void> {
    if (this.#pendingLength === 0) return Promise.resolve();
    const text = this.#pending.join('');
    this.#pending = [];
    this.#pendingLength = 0;
    return this.writeOut(text);
  }
}

/**
 * Writes to a caller's stream, waiting for `'drain'` whenever it is full. The
 * stream is never ended: it belongs to the caller (it may be stdout, or get
 * more output after the export).
 */
export class StreamSink extends BufferedSink {
  readonly #output: NodeJS.WritableStream;
  #failure: unknown;
  /** Settles when the stream has handled the latest chunk (its write callback ran). */
  #handled: Promise<unknown> = Promise.resolve();
  readonly #onError = (error: unknown): void => {
    this.#failure ??= error;
  };

  constructor(output: NodeJS.WritableStream) {
    super();
    this.#output = output;
    output.on('error', this.#onError);
  }

  protected async writeOut(chunk: string | Uint8Array): Promise<void> {
    if (this.#failure !== undefined) throw this.#failure;
    let accepted = true;
    this.#handled = new Promise((resolve) => {
      accepted = this.#output.write(chunk, (error) => resolve(error ?? undefined));
    });
    if (!accepted) await drained(this.#output);
  }

  protected async finish(): Promise<void> {
    // Wait until the last chunk is handled, so an error writing it still
    // fails the export.
    try {
      const error = await this.#handled;
      if (this.#failure !== undefined) throw this.#failure;
      if (error) throw error;
    } finally {
      this.#output.removeListener('error', this.#onError);
    }
  }

  async abort(): Promise<void> {
    this.#output.removeListener('error', this.#onError);
  }
}

/** Resolves on `'drain'`; rejects if the stream errors or closes first. */
function drained(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (error?: unknown): void => {
      stream.removeListener('drain', onDrain);
      stream.removeListener('error', onError);
      stream.removeListener('close', onClose);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onDrain = (): void => settle();
    const onError = (error: unknown): void => settle(error);
    const onClose = (): void => settle(new Error('the output stream closed before the export finished'));
    stream.on('drain', onDrain);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}
