import type { Worksheet } from 'exceljs';

/** The parts of a (readable-stream 2 or Node) writable read here. */
interface Intake {
  readonly _writableState?: { readonly needDrain?: boolean } | undefined;
  once(event: 'drain', listener: () => void): unknown;
}

// Without an intake to watch, letting the event loop turn this often gives
// zlib and the output a chance to catch up.
const YIELD_EVERY = 256;

/**
 * Backpressure for an exceljs streaming worksheet, which offers none: a
 * committed row goes to an unbounded buffer (`worksheet.stream`, exceljs's
 * `StreamBuf`) that pushes 64 KiB batches into the PassThrough archiver reads
 * the sheet through, ignoring `write()`'s answer. Everything behind that
 * PassThrough (deflate, the zip, our output) is piped, so its `needDrain` is
 * the one signal that the output is behind; waiting for its `'drain'` keeps
 * memory flat whatever the row source's pace. Those are exceljs 4 and
 * archiver internals: if they are not found, the writer just yields to the
 * event loop now and then.
 */
export class SheetBackpressure {
  readonly #intake: Intake | undefined;
  #rows = 0;

  constructor(worksheet: Worksheet) {
    this.#intake = findIntake(worksheet);
  }

  /** After each committed row: a promise to await when the output is behind, else `undefined`. */
  room(): Promise<void> | undefined {
    const intake = this.#intake;
    if (intake) {
      if (intake._writableState?.needDrain !== true) return undefined;
      return new Promise((resolve) => intake.once('drain', resolve));
    }
    this.#rows += 1;
    if (this.#rows % YIELD_EVERY !== 0) return undefined;
    return new Promise((resolve) => setImmediate(resolve));
  }
}

function findIntake(worksheet: Worksheet): Intake | undefined {
  const buffer = (worksheet as unknown as { stream?: { pipes?: unknown } }).stream;
  const pipes = buffer?.pipes;
  const intake: unknown = Array.isArray(pipes) && pipes.length === 1 ? pipes[0] : undefined;
  if (typeof intake !== 'object' || intake === null) return undefined;
  const candidate = intake as Partial<Intake>;
  if (typeof candidate.once !== 'function' || typeof candidate._writableState !== 'object') return undefined;
  return candidate as Intake;
}
