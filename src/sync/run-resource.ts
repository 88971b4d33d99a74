import type { ResolvedConfig, ResolvedResource } from '../config/types.js';
import { SiphonError } from '../errors/siphon-error.js';
import { addTally, NO_TALLY } from '../store/run-tally.js';
import type { RunRecord, RunTrigger, Store } from '../store/types.js';
import { asError } from '../util/as-error.js';
import { delay } from '../util/delay.js';
import { readCheckpoint } from './checkpoint.js';
import type { ClientPool } from './client-pool.js';
import { defaultWorker, isDeadLocalOwner, newLeaseOwner } from './lease-owner.js';
import { RecordMapper } from './record-mapper.js';
import { resourceBatches } from './resource-batches.js';
import type { SyncEvent } from './sync-events.js';

export interface RunResourceOptions {
  readonly config: ResolvedConfig;
  readonly resource: ResolvedResource;
  readonly store: Store;
  readonly clients: ClientPool;
  /** @default 'manual' */
  readonly trigger?: RunTrigger | undefined;
  /** Aborting interrupts the run; what was committed stays, and the next run resumes there. */
  readonly signal?: AbortSignal | undefined;
  readonly onEvent?: ((event: SyncEvent) => void) | undefined;
  /** Who runs it, for the history and the lease. @default `${hostname}:${pid}` */
  readonly worker?: string | undefined;
  /**
   * How long the per-resource lease lasts without a heartbeat; a crashed
   * process's lease expires after it and its run can be resumed.
   * @default 60_000
   */
  readonly leaseMs?: number | undefined;
  /**
   * Start from the first page even when an unfinished run could be resumed
   * (e.g. after changing the paginator, whose old tokens no longer fit);
   * that run is closed as failed.
   * @default false
   */
  readonly fresh?: boolean | undefined;
  /**
   * How long to wait for a lease another process holds before recording the
   * run as skipped: a job recovered from a worker that died on another host
   * waits out that worker's lease instead of losing its turn.
   * @default 0
   */
  readonly leaseWaitMs?: number | undefined;
}

/** A finished run and, when it did not succeed, why. */
export interface RunOutcome {
  readonly run: RunRecord;
  readonly error: Error | undefined;
}

/**
 * One run of one resource: take the resource's lease (one run at a time),
 * resume the last unfinished run from its checkpoint or start a new one, walk,
 * commit each batch with its checkpoint, and close the run (a `replace` swaps
 * its staged rows in at that moment).
 */
export async function runResource(options: RunResourceOptions): Promise<RunOutcome> {
  const { resource, store, onEvent } = options;
  const trigger = options.trigger ?? 'manual';
  const worker = options.worker ?? defaultWorker();
  const owner = newLeaseOwner(worker);
  const leaseMs = options.leaseMs ?? 60_000;

  const leaseWait = {
    waitMs: options.leaseWaitMs ?? 0,
    signal: options.signal,
    onWait: (holder: string) => onEvent?.({ type: 'lease-wait', resource: resource.id, holder }),
  };
  if (!(await takeLease(store, resource.id, owner, leaseMs, leaseWait))) {
    const run = await store.runs.skip(resource.id, trigger, 'another run of this resource is in progress');
    onEvent?.({ type: 'skipped', resource: resource.id, reason: run.error ?? 'in progress', run });
    return { run, error: undefined };
  }

  const abort = new AbortController();
  const stop = (): void => abort.abort(options.signal?.reason);
  if (options.signal?.aborted) stop();
  options.signal?.addEventListener('abort', stop, { once: true });
  let run: RunRecord | undefined;
  const unlisten = options.clients.listen(resource.source.name, (event) => onEvent?.({ ...event, resource: resource.id }));
  const heartbeat = setInterval(
    () => {
      void (async () => {
        const kept = await store.leases.renew(resource.id, owner, leaseMs);
        if (!kept) abort.abort(new SiphonError(`${resource.id}: lost its lease to another process; stopping`));
        else if (run) await store.runs.heartbeat(run.id);
      })().catch(() => undefined);
    },
    Math.max(1000, Math.floor(leaseMs / 4)),
  );

  try {
    let resumable = await store.runs.findResumable(resource.id);
    if (resumable && options.fresh) {
      await store.runs.fail(resumable.id, `abandoned: a fresh run was requested (it had reached ${resumable.pages} pages)`, 'failed');
      resumable = undefined;
    }
    if (!resumable) {
      // We hold the lease, so a run still marked running died before its
      // first commit: close it rather than leave it running forever.
      const [latest] = await store.runs.list({ resource: resource.id, limit: 1 });
      if (latest?.status === 'running')
        await store.runs.fail(latest.id, 'stalled: the process running it stopped before its first commit', 'interrupted');
    }
    run = resumable
      ? await store.runs.resume(resumable.id, trigger, worker)
      : await store.runs.start({ resource: resource.id, trigger, worker });
    const checkpoint = resumable ? readCheckpoint(resumable.checkpoint) : undefined;
    onEvent?.({ type: 'run-start', resource: resource.id, runId: run.id, attempt: run.attempt, resumed: checkpoint !== undefined });

    const tableExists = await store.hasTable(resource.table.name);
    const mapper = new RecordMapper(resource, tableExists ? await store.tableColumns(resource.table.name) : []);
    const ensure = async (): Promise<void> => {
      const { table, changed } = mapper.table();
      if (!changed) return;
      await store.ensureTable(table);
      if (resource.write === 'replace') await store.prepareReplace(table, false);
    };
    await store.ensureTable(mapper.table().table);
    if (resource.write === 'replace') await store.prepareReplace(mapper.table().table, checkpoint === undefined);

    const state = resource.incremental ? await store.runs.state(resource.id) : undefined;
    const since =
      checkpoint?.since ??
      state?.highWaterMark ??
      (resource.incremental?.initial === undefined ? null : String(resource.incremental.initial));
    let highWaterMark = checkpoint?.maxCursor ?? null;
    let committed = run.records;
    let tally = NO_TALLY;

    if (!checkpoint?.done) {
      const batches = resourceBatches({
        resource,
        parentResource: resource.parent ? options.config.resources.find((r) => r.id === resource.parent?.resource) : undefined,
        store,
        client: options.clients.get(resource.source),
        mapper,
        checkpoint,
        since,
        signal: abort.signal,
        onDetected: (description) => onEvent?.({ type: 'detected', resource: resource.id, description }),
      });
      for await (const batch of batches) {
        await ensure();
        const { table } = mapper.table();
        await store.writeBatch({
          runId: run.id,
          table,
          mode: resource.write,
          rows: batch.rows,
          checkpoint: { ...batch.checkpoint },
          ...batch.tally,
        });
        highWaterMark = batch.checkpoint.maxCursor ?? highWaterMark;
        committed += batch.tally.records;
        tally = addTally(tally, batch.tally);
        if (batch.tally.pages > 0)
          onEvent?.({ type: 'progress', resource: resource.id, runId: run.id, committed, total: batch.total, ...tally });
      }
    }
    const { table } = mapper.table();
    run = await store.runs.complete({
      runId: run.id,
      table,
      mode: resource.write,
      ...(resource.incremental ? { highWaterMark: highWaterMark ?? since } : {}),
    });
    onEvent?.({ type: 'run-end', resource: resource.id, run, error: undefined });
    return { run, error: undefined };
  } catch (caught) {
    const error = asError(caught);
    if (!run) throw error;
    const interrupted = abort.signal.aborted;
    run = await store.runs.fail(run.id, error.message, interrupted ? 'interrupted' : 'failed');
    onEvent?.({ type: 'run-end', resource: resource.id, run, error });
    return { run, error };
  } finally {
    clearInterval(heartbeat);
    unlisten();
    options.signal?.removeEventListener('abort', stop);
    abort.abort(new Error('run finished'));
    await store.leases.release(resource.id, owner).catch(() => undefined);
  }
}

/**
 * Takes the lease. A holder that is a dead process of this host is taken over
 * at once; a live (or remote) holder is waited out for up to `waitMs`.
 */
async function takeLease(
  store: Store,
  resource: string,
  owner: string,
  leaseMs: number,
  wait: { waitMs: number; signal: AbortSignal | undefined; onWait: (holder: string) => void },
): Promise<boolean> {
  const deadline = Date.now() + wait.waitMs;
  let announced = false;
  for (;;) {
    if (await store.leases.acquire(resource, owner, leaseMs)) return true;
    const holder = await store.leases.holder(resource);
    if (holder !== undefined && isDeadLocalOwner(holder)) {
      await store.leases.release(resource, holder);
      continue;
    }
    if (Date.now() >= deadline || wait.signal?.aborted) return false;
    if (!announced && holder !== undefined) wait.onWait(holder);
    announced = true;
    await delay(250, wait.signal).catch(() => undefined);
  }
}
