import { Cron } from 'croner';
import type { ResolvedConfig, ResolvedResource } from '../../config/types.js';
import { SiphonError } from '../../errors/siphon-error.js';
import type { RunRecord, RunTrigger, Store } from '../../store/types.js';
import { ClientPool } from '../../sync/client-pool.js';
import { runResource } from '../../sync/run-resource.js';
import { asError } from '../../util/as-error.js';
import { closeAll } from '../../util/close-all.js';
import { isRetryableRunError, runRetryDelay, runRetryPolicy } from '../run-retry.js';
import type { Runtime, RuntimeCloseOptions, RuntimeEvent } from '../runtime.js';
import { startupPlan } from './startup-plan.js';

export interface EmbeddedRuntimeOptions {
  readonly config: ResolvedConfig;
  /** Initialised by the caller, who also closes it after {@link EmbeddedRuntime.close}. */
  readonly store: Store;
  readonly onEvent?: ((event: RuntimeEvent) => void) | undefined;
  /**
   * Lease of each run (see `runResource`).
   * @default 60_000
   */
  readonly leaseMs?: number | undefined;
  /** @default `${hostname}:${pid}` */
  readonly worker?: string | undefined;
  /**
   * The time catch-up decisions are made at (cron ticks follow the real clock).
   * @default Date.now
   */
  readonly clock?: (() => number) | undefined;
  /**
   * Source of the retry jitter.
   * @default Math.random
   */
  readonly random?: (() => number) | undefined;
}

/** What the runtime knows about one resource in this process (scheduled, or run by hand with {@link EmbeddedRuntime.runNow}). */
interface Slot {
  readonly resource: ResolvedResource;
  running: Promise<void> | undefined;
  retryTimer: NodeJS.Timeout | undefined;
  /** Run-level retries spent since the last success or give-up. */
  retried: number;
}

interface ScheduledSlot extends Slot {
  readonly schedule: string;
}

/** How many history rows are read to see past `skipped` rows to the last real run. */
const HISTORY_ROWS = 20;

/**
 * Runs each scheduled resource on its cron in this process: one run per
 * resource at a time (overlapping ticks are recorded as skipped), one catch-up
 * run for ticks missed while down, one recovery run for a run left `running`
 * by a dead process, and run-level retries with backoff for transient failures.
 * Runs resume from their checkpoint, so a retry or a recovery repeats no
 * committed page.
 */
export class EmbeddedRuntime implements Runtime {
  readonly #options: EmbeddedRuntimeOptions;
  readonly #slots = new Map<string, ScheduledSlot>();
  /** Resources without a schedule that were run by hand. */
  readonly #manual = new Map<string, Slot>();
  readonly #jobs: Cron[] = [];
  // One client per source across all runs, so the source's rate budget is shared.
  readonly #clients = new ClientPool();
  readonly #abort = new AbortController();
  /** Store writes made outside runs (skipped ticks); close waits for them. */
  readonly #chores = new Set<Promise<void>>();
  #started = false;
  #closing: Promise<void> | undefined;

  constructor(options: EmbeddedRuntimeOptions) {
    this.#options = options;
    for (const resource of options.config.resources) {
      const { schedule } = resource;
      if (schedule !== undefined)
        this.#slots.set(resource.id, { resource, schedule, running: undefined, retryTimer: undefined, retried: 0 });
    }
  }

  /** Ids of the resources with a run (or a pending retry) in this process. */
  get busy(): string[] {
    return this.#allSlots()
      .filter((slot) => slot.running || slot.retryTimer)
      .map((slot) => slot.resource.id);
  }

  /**
   * Runs a resource now (trigger `manual`), scheduled or not, unless a run of
   * it (or its pending retry) is already going in this process: then
   * `false`. Another process's run is kept out by the lease as always.
   */
  runNow(resourceId: string): boolean {
    if (!this.#started || this.#closing) throw new SiphonError('the runtime is not running');
    let slot = this.#slots.get(resourceId) ?? this.#manual.get(resourceId);
    if (!slot) {
      const resource = this.#options.config.resources.find((candidate) => candidate.id === resourceId);
      if (!resource) throw new SiphonError(`no resource ${resourceId} in the config`);
      slot = { resource, running: undefined, retryTimer: undefined, retried: 0 };
      this.#manual.set(resourceId, slot);
    }
    if (slot.running || slot.retryTimer) return false;
    this.#launch(slot, 'manual');
    return true;
  }

  async start(): Promise<void> {
    if (this.#started) throw new SiphonError('the runtime was already started');
    this.#started = true;
    const now = new Date(this.#now());
    const slots = [...this.#slots.values()];
    const plans = await Promise.all(
      slots.map(async (slot) => {
        const runs = await this.#options.store.runs.list({ resource: slot.resource.id, limit: HISTORY_ROWS });
        return startupPlan({ schedule: slot.schedule, timezone: slot.resource.timezone, runs, now });
      }),
    );
    if (this.#closing) return;
    for (const slot of slots) {
      const job: Cron = new Cron(
        slot.schedule,
        {
          timezone: slot.resource.timezone,
          mode: '5-or-6-parts',
          catch: (error) => this.#emit({ type: 'runtime-error', resource: slot.resource.id, trigger: 'schedule', error: asError(error) }),
        },
        () => this.#tick(slot, job),
      );
      this.#jobs.push(job);
    }
    slots.forEach((slot, index) => {
      const plan = plans[index];
      if (plan === undefined) return;
      if (plan.trigger === 'recovery') {
        this.#emit({ type: 'recovery', resource: slot.resource.id, runId: plan.run.id, heartbeatAt: plan.run.heartbeatAt });
      } else {
        this.#emit({ type: 'catch-up', resource: slot.resource.id, missedAt: plan.missedAt, lastRun: plan.lastRun });
      }
      // Config order puts parents first; a child's start-up run waits for its
      // parent's, so it walks the parent rows that run brings.
      const parent = slot.resource.parent ? this.#slots.get(slot.resource.parent.resource) : undefined;
      this.#launch(slot, plan.trigger, parent?.running);
    });
  }

  close(options: RuntimeCloseOptions = {}): Promise<void> {
    this.#closing ??= this.#close(options.timeoutMs ?? 10_000);
    return this.#closing;
  }

  async #close(timeoutMs: number): Promise<void> {
    await closeAll([
      ...this.#jobs.map((job) => () => job.stop()),
      ...this.#allSlots().map((slot) => () => {
        clearTimeout(slot.retryTimer);
        slot.retryTimer = undefined;
      }),
      () => this.#abort.abort(new SiphonError('the scheduler is shutting down')),
      () => this.#drain(timeoutMs),
      () => this.#clients.close(),
    ]);
  }

  /** Waits for runs to record their interruption, and for pending skip records. */
  async #drain(timeoutMs: number): Promise<void> {
    const pending = [...this.#chores, ...this.#allSlots().flatMap((slot) => (slot.running ? [slot.running] : []))];
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs)));
    const expired = await Promise.race([Promise.allSettled(pending).then(() => false), timedOut]);
    clearTimeout(timer);
    if (expired) this.#emit({ type: 'close-timeout', resources: this.busy, timeoutMs });
  }

  #tick(slot: ScheduledSlot, job: Cron): void {
    if (this.#closing) return;
    const { id } = slot.resource;
    if (slot.running || slot.retryTimer) {
      const reason = slot.running ? 'previous run still in progress' : 'previous run still in progress (its retry is pending)';
      this.#chore(async () => {
        const run = await this.#options.store.runs.skip(id, 'schedule', reason);
        this.#emit({ type: 'skipped', resource: id, reason, run });
      }, slot.resource.id);
      return;
    }
    this.#emit({ type: 'tick', resource: id, schedule: slot.schedule, at: job.currentRun() ?? new Date(this.#now()) });
    this.#launch(slot, 'schedule');
  }

  #launch(slot: Slot, trigger: RunTrigger, after?: Promise<unknown>): void {
    if (this.#closing) return;
    const run = after ? after.then(() => (this.#closing ? undefined : this.#run(slot, trigger))) : this.#run(slot, trigger);
    slot.running = run
      .catch((error: unknown) => this.#emit({ type: 'runtime-error', resource: slot.resource.id, trigger, error: asError(error) }))
      .finally(() => {
        slot.running = undefined;
      });
  }

  async #run(slot: Slot, trigger: RunTrigger): Promise<void> {
    const { resource } = slot;
    let outcome: { run: RunRecord | undefined; error: Error | undefined };
    try {
      outcome = await runResource({
        config: this.#options.config,
        resource,
        store: this.#options.store,
        clients: this.#clients,
        trigger,
        signal: this.#abort.signal,
        onEvent: (event) => this.#emit(event),
        worker: this.#options.worker,
        leaseMs: this.#options.leaseMs,
      });
    } catch (error) {
      // The run could not even start (the store failed): retried like a failed run.
      outcome = { run: undefined, error: asError(error) };
    }
    const { run, error } = outcome;
    if (error === undefined) {
      slot.retried = 0;
      return;
    }
    // Interrupted: we are closing, or another process took the lease and carries on.
    if (this.#closing || run?.status === 'interrupted') return;
    const policy = runRetryPolicy(resource);
    if (!isRetryableRunError(error) || slot.retried >= policy.retries) {
      this.#emit({ type: 'gave-up', resource: resource.id, run, error, retried: slot.retried });
      slot.retried = 0;
      return;
    }
    slot.retried += 1;
    const delayMs = runRetryDelay(policy, slot.retried, this.#options.random);
    this.#emit({ type: 'retry-scheduled', resource: resource.id, run, retry: slot.retried, retries: policy.retries, delayMs, error });
    slot.retryTimer = setTimeout(() => {
      slot.retryTimer = undefined;
      this.#launch(slot, 'retry');
    }, delayMs);
  }

  #allSlots(): Slot[] {
    return [...this.#slots.values(), ...this.#manual.values()];
  }

  #chore(work: () => Promise<void>, resource: string): void {
    const chore = work()
      .catch((error: unknown) => this.#emit({ type: 'runtime-error', resource, trigger: 'schedule', error: asError(error) }))
      .finally(() => this.#chores.delete(chore));
    this.#chores.add(chore);
  }

  #emit(event: RuntimeEvent): void {
    try {
      this.#options.onEvent?.(event);
    } catch {
      // A failing listener must not break a run or the scheduler.
    }
  }

  #now(): number {
    return (this.#options.clock ?? Date.now)();
  }
}
