/**
 * An abort that follows other signals (the first to abort gives its reason)
 * and ends with its scope: disposing it (`using`) detaches from those signals,
 * so a long-lived one does not collect a listener per use, and aborts with
 * `endReason` whatever still listens, e.g. work left in flight after a failure.
 */
export class LinkedAbort implements Disposable {
  readonly #controller = new AbortController();
  readonly #detach: (() => void)[] = [];
  readonly #endReason: string;

  constructor(signals: readonly (AbortSignal | undefined)[], endReason: string) {
    this.#endReason = endReason;
    for (const signal of signals) {
      if (!signal) continue;
      if (signal.aborted) {
        this.#controller.abort(signal.reason);
        continue;
      }
      const follow = (): void => this.#controller.abort(signal.reason);
      signal.addEventListener('abort', follow, { once: true });
      this.#detach.push(() => signal.removeEventListener('abort', follow));
    }
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  [Symbol.dispose](): void {
    for (const detach of this.#detach.splice(0)) detach();
    this.#controller.abort(new Error(this.#endReason));
  }
}
