import { randomBytes } from 'node:crypto';
import { sameSecret } from './admin-token.js';

/**
 * One-time login links (`/login?ticket=…`), the way a notebook server prints
 * its URL: the first visit logs that browser in, and the link is spent.
 */
export class LoginTickets {
  readonly #open = new Map<string, number>();
  readonly #ttlMs: number;
  readonly #now: () => number;

  /** @param ttlMs how long an unused ticket stays valid; @default 24 hours */
  constructor(ttlMs = 24 * 60 * 60 * 1000, now: () => number = Date.now) {
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  issue(): string {
    const ticket = randomBytes(24).toString('base64url');
    this.#open.set(ticket, this.#now() + this.#ttlMs);
    return ticket;
  }

  /** Spends the ticket; `true` when it was valid. */
  redeem(given: string | undefined): boolean {
    if (given === undefined) return false;
    const now = this.#now();
    for (const [ticket, expires] of this.#open) {
      if (expires <= now) {
        this.#open.delete(ticket);
        continue;
      }
      if (sameSecret(given, ticket)) {
        this.#open.delete(ticket);
        return true;
      }
    }
    return false;
  }
}
