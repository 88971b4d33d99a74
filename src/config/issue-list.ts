import { ConfigError } from '../errors/config-error.js';
import type { ConfigIssue } from '../errors/config-validation-error.js';

/**
 * Collects the problems of a config so that one run reports all of them.
 * Checks written for the engine throw a {@link ConfigError} at the first
 * problem; {@link IssueList.attempt} turns that into one issue and goes on.
 */
export class IssueList {
  readonly #issues: ConfigIssue[] = [];
  readonly #seen = new Set<string>();

  get size(): number {
    return this.#issues.length;
  }

  add(path: string, message: string): void {
    const key = `${path}\n${message}`;
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    this.#issues.push({ path, message });
  }

  /** Runs `check`; a `ConfigError` it throws becomes an issue (other errors propagate). Returns whether it passed. */
  attempt(check: () => void): boolean {
    try {
      check();
      return true;
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      this.add(error.path, error.detail);
      return false;
    }
  }

  toArray(): ConfigIssue[] {
    return [...this.#issues];
  }
}
