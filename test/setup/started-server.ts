/** A server the test setup started for this run; `stop` ends it and removes what it left. */
export interface StartedServer {
  readonly url: string;
  /** Shown in the notice: what was started, and where. */
  readonly description: string;
  stop(): Promise<void>;
}
