import { Writable } from 'node:stream';

/** Writes one timestamped log line. */
export function logLine(out: NodeJS.WritableStream, text: string): void {
  out.write(`${new Date().toISOString()} ${text}\n`);
}

/**
 * A stream into `target` that is never a TTY: the progress reporter draws
 * bars on a terminal, but a scheduler's or worker's output is a log. Writes
 * go through at once, so its lines stay in order with direct writes.
 */
export function logStream(target: NodeJS.WritableStream = process.stdout): NodeJS.WriteStream {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      target.write(chunk);
      callback();
    },
  });
  return Object.assign(stream, { isTTY: false }) as unknown as NodeJS.WriteStream;
}
