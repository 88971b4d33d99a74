import { SiphonError } from '../errors/siphon-error.js';
import type { StoreLeases } from '../store/types.js';
import { delay } from '../util/delay.js';
import { isDeadLocalOwner } from './lease-owner.js';

/** How often a busy lease is asked for again while waiting for it. */
const WAIT_POLL_MS = 250;

export interface TakeLeaseOptions {
  readonly leases: StoreLeases;
  /** `source.resource`. */
  readonly resource: string;
  /** Unique to this run (see `newLeaseOwner`), so a renewal can tell the lease is still ours. */
  readonly owner: string;
  /** How long the lease lasts without a renewal; it is renewed every quarter of that (at least every second). */
  readonly ttlMs: number;
  /** How long to wait for a live holder to let go before giving up. @default 0 */
  readonly waitMs?: number | undefined;
  /** Ends a wait early. */
  readonly signal?: AbortSignal | undefined;
  /** Called once, when the lease is busy and the wait begins. */
  readonly onWait?: ((holder: string) => void) | undefined;
  /** After each renewal that kept the lease: whatever else shows the run is alive. */
  readonly onRenewed?: (() => Promise<void>) | undefined;
}

/**
 * A resource's lease, held for the length of one run: one run per resource
 * at a time, whatever the number of processes and hosts. While held it is
 * renewed on a timer; if a renewal finds another owner (this process stalled
 * past the expiry and someone took over), {@link lost} aborts so the run stops
 * instead of writing alongside the new holder. Release it with
 * {@link release} or `await using`; releasing twice is harmless.
 */
export class ResourceLease implements AsyncDisposable {
  /**
   * Takes the lease, or waits up to `waitMs` for it. A holder that is a dead
   * process of this host is taken over at once (that is how `siphon run`
   * resumes right after a crash); a live or remote holder is waited out.
   * `undefined` when the lease stayed busy.
   */
  static async take(options: TakeLeaseOptions): Promise<ResourceLease | undefined> {
    const { leases, resource, owner } = options;
    const deadline = Date.now() + (options.waitMs ?? 0);
    let announced = false;
    for (;;) {
      if (await leases.acquire(resource, owner, options.ttlMs)) return new ResourceLease(options);
      const holder = await leases.holder(resource);
      if (holder !== undefined && isDeadLocalOwner(holder)) {
        await leases.release(resource, holder);
        continue;
      }
      if (Date.now() >= deadline || options.signal?.aborted) return undefined;
      if (!announced && holder !== undefined) options.onWait?.(holder);
      announced = true;
      await delay(WAIT_POLL_MS, options.signal).catch(() => undefined);
    }
  }

  readonly #options: TakeLeaseOptions;
  readonly #lost = new AbortController();
  #timer: NodeJS.Timeout | undefined;
  #renewal: Promise<void> | undefined;
  #released: Promise<void> | undefined;

  private constructor(options: TakeLeaseOptions) {
    this.#options = options;
    this.#scheduleRenewal();
  }

  /** Aborts, with the reason, when another owner has taken the lease. */
  get lost(): AbortSignal {
    return this.#lost.signal;
  }

  /** Stops renewing and gives the lease up; a renewal in flight finishes first, so none lands after. */
  release(): Promise<void> {
    this.#released ??= this.#release();
    return this.#released;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.release();
  }

  async #release(): Promise<void> {
    clearTimeout(this.#timer);
    await this.#renewal;
    const { leases, resource, owner } = this.#options;
    // A store that cannot be reached cannot be told either: the lease then expires on its own.
    await leases.release(resource, owner).catch(() => undefined);
  }

  // A timeout chain rather than an interval: a slow database never has two renewals in flight.
  #scheduleRenewal(): void {
    const every = Math.max(1000, Math.floor(this.#options.ttlMs / 4));
    this.#timer = setTimeout(() => {
      this.#renewal = this.#renew().finally(() => {
        this.#renewal = undefined;
        if (this.#released === undefined && !this.#lost.signal.aborted) this.#scheduleRenewal();
      });
    }, every);
  }

  async #renew(): Promise<void> {
    const { leases, resource, owner, ttlMs, onRenewed } = this.#options;
    try {
      if (!(await leases.renew(resource, owner, ttlMs))) {
        this.#lost.abort(new SiphonError(`${resource}: lost its lease to another process; stopping`));
        return;
      }
      await onRenewed?.();
    } catch {
      // A failed renewal (database unreachable) is retried at the next tick;
      // the lease only counts as lost once another owner is seen holding it.
    }
  }
}
