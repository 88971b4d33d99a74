import type { ResolvedConfig, ResolvedResource } from '../config/types.js';
import { CoercionError } from '../errors/coercion-error.js';
import { SiphonError } from '../errors/siphon-error.js';
import type { ClientEvent } from '../http/client-options.js';
import type { ServerRateInfo } from '../http/types.js';
import { widenedColumn } from '../store/column-widening.js';
import { addTally, NO_TALLY } from '../store/run-tally.js';
import type { RunRecord, RunTrigger, Store } from '../store/types.js';
import { asError } from '../util/as-error.js';
import { LinkedAbort } from '../util/linked-abort.js';
import { maxCursor, type SyncCheckpoint } from './checkpoint.js';
import type { ClientPool } from './client-pool.js';
import { type OutageOptions, rideOutOutage } from './database-outage.js';
import { DestinationTable } from './destination-table.js';
import { rangeEnd, rangeStart } from './incremental-range.js';
import { defaultWorker, newLeaseOwner } from './lease-owner.js';
import { openRun } from './open-run.js';
import { RequestUsage } from './request-usage.js';
import { recordPlace, resourceBatches } from './resource-batches.js';
import { ResourceLease } from './resource-lease.js';
import { RunEventRecorder } from './run-event-recorder.js';
import type { ApiRateLimit, SyncEvent } from './sync-events.js';
import { TotalsCheck } from './totals-check.js';
import { WalkCount } from './walk-count.js';

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
  /**
   * How long a lost database connection (a restart, a failover, a network
   * blip) is waited out: the batch, or the run's completion, is tried again
   * on a new connection with a doubling wait, each wait logged as a
   * warning. Longer, and the run fails (resumable) with the connection error.
   * @default 60_000
   */
  readonly databaseOutageMs?: number | undefined;
}

/** @see RunResourceOptions.databaseOutageMs */
const DATABASE_OUTAGE_MS = 60_000;

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
export async function runResource(input: RunResourceOptions): Promise<RunOutcome> {
  // The run's timeline: what it reports is also kept with it in the store.
  await using recorder = new RunEventRecorder(input.store.runs.events);
  const options: RunResourceOptions = { ...input, onEvent: recorder.tap(input.onEvent) };
  const { resource, store, onEvent } = options;
  const trigger = options.trigger ?? 'manual';
  const worker = options.worker ?? defaultWorker();
  let run: RunRecord | undefined;

  await using lease = await ResourceLease.take({
    leases: store.leases,
    resource: resource.id,
    owner: newLeaseOwner(worker),
    ttlMs: options.leaseMs ?? 60_000,
    waitMs: options.leaseWaitMs,
    signal: options.signal,
    onWait: (holder) => onEvent?.({ type: 'lease-wait', resource: resource.id, holder }),
    // The run is alive exactly as long as its lease is.
    onRenewed: async () => {
      if (run) await store.runs.heartbeat(run.id);
    },
  });
  if (!lease) {
    const skipped = await store.runs.skip(resource.id, trigger, 'another run of this resource is in progress');
    onEvent?.({ type: 'skipped', resource: resource.id, reason: skipped.error ?? 'in progress', run: skipped });
    return { run: skipped, error: undefined };
  }
  // The walk stops when the caller aborts or the lease is lost; child walks
  // still in flight when the run ends stop with it.
  using abort = new LinkedAbort([options.signal, lease.lost], 'run finished');
  // A warning is said once per run (a body that is not UTF-8 on every page would flood the log).
  const unlisten = options.clients.listen(resource.source.name, (event) => {
    if (event.type !== 'warning') onEvent?.({ ...event, resource: resource.id });
  });
  const usage = new RequestUsage();
  const warned = new Set<string>();
  const onRequest = (event: ClientEvent): void => {
    usage.observe(event);
    if (event.type === 'warning' && !warned.has(event.code)) {
      warned.add(event.code);
      onEvent?.({ type: 'warning', resource: resource.id, message: `${event.message} (said once per run)` });
    }
  };
  try {
    const opened = await openRun(store.runs, resource.id, { trigger, worker, fresh: options.fresh ?? false });
    run = opened.run;
    const { checkpoint } = opened;
    onEvent?.({
      type: 'run-start',
      resource: resource.id,
      runId: run.id,
      attempt: run.attempt,
      resumed: checkpoint !== undefined,
      first: opened.first,
    });

    const parent = resource.parent ? options.config.resources.find((r) => r.id === resource.parent?.resource) : undefined;
    const destination = await DestinationTable.open(store, resource, parent, checkpoint === undefined);
    const { since, until, mark } = await incrementalRange(store, resource, checkpoint);
    if (resource.incremental) onEvent?.({ type: 'range', resource: resource.id, from: since, to: until });
    const highWaterMark = await commitBatches({
      options,
      run,
      parent,
      destination,
      checkpoint,
      since,
      until,
      signal: abort.signal,
      usage,
      onRequest,
    });

    const { table, widen } = destination.finish();
    for (const { column, field, likely } of destination.mapper.unfilled()) {
      const hint = likely === undefined ? '' : ` (the records have "${likely}": declare it as ${likely}: { name: ${column}, type: … })`;
      onEvent?.({
        type: 'warning',
        resource: resource.id,
        message: `column ${column}: no record had the field "${field}", so it is NULL in every row${hint}`,
      });
    }
    const runId = run.id;
    run = await rideOutOutage(
      () =>
        store.runs.complete({
          runId,
          table,
          widen,
          mode: resource.write,
          // A lookback starts before the mark: what it re-read must not move the mark back.
          ...(resource.incremental ? { highWaterMark: maxCursor(highWaterMark, mark ?? since) } : {}),
          uncommitted: usage.uncommitted(),
        }),
      outage(options, abort.signal, 'completing the run'),
      async () => {
        const stored = await store.runs.get(runId);
        return stored?.status === 'succeeded' ? { value: stored } : undefined;
      },
    );
    onEvent?.({ type: 'run-end', resource: resource.id, run, error: undefined });
    return { run, error: undefined };
  } catch (caught) {
    const error = asError(caught);
    if (!run) throw error;
    const interrupted = abort.signal.aborted;
    // Every batch commits with its checkpoint, so what is staged always
    // matches it; whether to build on it is the failure's to say. An
    // interruption (signal, lost lease) or a failure that may pass next time
    // (retries used up on a 5xx, a network error, a lost database) is
    // continued from the checkpoint; a failure that would recur (a value, the
    // schema, a config, a walk short of its total) clears it, so the next run
    // starts over and a replace never swaps in rows from two points in time.
    const resumable = interrupted || !(error instanceof SiphonError) || error.retryable;
    const runId = run.id;
    // Not on the run's signal: an interrupted run is recorded as such, outage or not.
    run = await rideOutOutage(
      () => store.runs.fail(runId, error.message, interrupted ? 'interrupted' : 'failed', { resumable, uncommitted: usage.uncommitted() }),
      outage(options, options.signal ?? new AbortController().signal, 'recording the run as failed'),
      async () => {
        const stored = await store.runs.get(runId);
        return stored && stored.status !== 'running' ? { value: stored } : undefined;
      },
    );
    onEvent?.({ type: 'run-end', resource: resource.id, run, error });
    return { run, error };
  } finally {
    unlisten();
  }
}

function outage(options: RunResourceOptions, signal: AbortSignal, what: string): OutageOptions {
  const resource = options.resource.id;
  return {
    outageMs: options.databaseOutageMs ?? DATABASE_OUTAGE_MS,
    signal,
    what,
    onWait: (message) => options.onEvent?.({ type: 'warning', resource, message }),
  };
}

/**
 * Incremental: the range this attempt asks for — its run's when it resumes, else from the resource's
 * last mark minus `lookback` (or the configured start) to `end` or now — and the mark it started from.
 */
async function incrementalRange(
  store: Store,
  resource: ResolvedResource,
  checkpoint: SyncCheckpoint | undefined,
): Promise<{ since: string | null; until: string | null; mark: string | null }> {
  if (!resource.incremental) return { since: null, until: null, mark: null };
  const mark = (await store.runs.state(resource.id))?.highWaterMark ?? null;
  const resumed = checkpoint?.since;
  const since = resumed !== undefined && resumed !== null ? resumed : rangeStart(resource, mark);
  const until = checkpoint?.until ?? rangeEnd(resource);
  return { since, until, mark };
}

interface BatchLoop {
  readonly options: RunResourceOptions;
  readonly run: RunRecord;
  readonly parent: ResolvedResource | undefined;
  readonly destination: DestinationTable;
  readonly checkpoint: SyncCheckpoint | undefined;
  readonly since: string | null;
  readonly until: string | null;
  readonly signal: AbortSignal;
  /** Counts what the requests cost, committed or not. */
  readonly usage: RequestUsage;
  /** Each request's events. */
  readonly onRequest: (event: ClientEvent) => void;
}

/**
 * Walks from the checkpoint and commits each batch with the checkpoint that
 * follows it (and the table changes it needs); reports progress, widenings
 * and totals. Returns the largest incremental cursor committed; throws an
 * {@link IncompleteSyncError} when a walk got less than its API announced.
 */
async function commitBatches(loop: BatchLoop): Promise<string | null> {
  const { options, run, parent, destination, checkpoint, since, until, signal, usage } = loop;
  const { resource, store, onEvent } = options;
  let highWaterMark = checkpoint?.maxCursor ?? null;
  let detected: string | undefined;
  const totals = new TotalsCheck(resource, () => detected);
  if (checkpoint?.done) {
    // Done before a crash, not yet checked: check what the checkpoint kept.
    if (!resource.parent) totals.walkEnded(new WalkCount([], { pages: run.pages, records: run.records, ...checkpoint }));
    totals.settle(onEvent);
    return highWaterMark;
  }
  let committed = run.records;
  let committedPages = run.pages;
  let tally = NO_TALLY;
  /** Responses a `responseActions` rule ignored, by rule: said once, at the end. */
  const ignored = new Map<string, number>();
  const batches = resourceBatches({
    resource,
    parentResource: parent,
    store,
    client: options.clients.get(resource.source),
    mapper: destination.mapper,
    checkpoint,
    since,
    until,
    onWindow: (window) => onEvent?.({ type: 'window', resource: resource.id, ...window }),
    signal,
    onDetected: (description) => {
      detected = description;
      onEvent?.({ type: 'detected', resource: resource.id, description });
    },
    earlier: { pages: run.pages, records: run.records },
    onWalkEnd: (count) => totals.walkEnded(count),
    onRequest: (event) => {
      if (event.type === 'ignored') ignored.set(event.rule, (ignored.get(event.rule) ?? 0) + 1);
      loop.onRequest(event);
    },
    run: { id: run.id, startedAt: run.startedAt },
    onPage: (page, parents) =>
      onEvent?.({
        type: 'page',
        resource: resource.id,
        runId: run.id,
        index: page.index,
        records: page.records.length,
        attempts: page.attempts,
        waitedMs: page.waitedMs,
        status: page.response.status,
        url: page.response.url,
        parents,
        rateLimit: apiRateLimit(page.response.rateLimit),
      }),
  });
  for await (const batch of batches) {
    const first = committedPages + 1;
    const last = committedPages + batch.tally.pages;
    const what = last < first ? 'committing the checkpoint' : `committing page${last > first ? `s ${first}–${last}` : ` ${first}`}`;
    const target = await rideOutOutage(() => destination.prepare(batch.rows.length), outage(options, signal, what));
    const write = {
      runId: run.id,
      // No table yet and no rows to need one: the batch only moves the checkpoint.
      table: target?.table ?? resource.table,
      evolve: target?.evolve,
      mode: resource.write,
      rows: batch.rows,
      checkpoint: { ...batch.checkpoint },
      ...batch.tally,
    };
    const expected = { pages: committedPages + batch.tally.pages, records: committed + batch.tally.records };
    await rideOutOutage(
      () =>
        store.writeBatch(write).catch((error: unknown) => {
          // The store knows the row; the batch knows the page and record it came from.
          if (!(error instanceof CoercionError) || error.row === undefined || error.record !== undefined) throw error;
          throw error.placed({ record: recordPlace(batch.origins, error.row) });
        }),
      outage(options, signal, what),
      // The batch commits with the run's counters: had the COMMIT landed before the connection dropped, they
      // would already count its pages, and writing it again would repeat its rows (append has no key to merge
      // them). A batch of no pages carries no rows: writing it twice is harmless.
      async () => {
        if (batch.tally.pages === 0) return undefined;
        const stored = await store.runs.get(run.id);
        return stored?.pages === expected.pages && stored.records === expected.records ? { value: undefined } : undefined;
      },
    );
    destination.committed(target);
    for (const widened of target?.evolve?.widen ?? []) onEvent?.({ type: 'widened', resource: resource.id, ...widenedColumn(widened) });
    highWaterMark = batch.checkpoint.maxCursor ?? highWaterMark;
    committed += batch.tally.records;
    committedPages += batch.tally.pages;
    tally = addTally(tally, batch.tally);
    usage.committed(batch.tally);
    if (batch.tally.pages > 0)
      onEvent?.({
        type: 'progress',
        resource: resource.id,
        runId: run.id,
        committed,
        total: batch.total,
        parents: batch.parents,
        ...tally,
      });
  }
  totals.settle(onEvent);
  if (ignored.size > 0) {
    const count = [...ignored.values()].reduce((sum, n) => sum + n, 0);
    const rules = [...ignored].map(([rule, n]) => `${rule}: ${n}`).join(', ');
    onEvent?.({
      type: 'warning',
      resource: resource.id,
      message: `${count} responses ignored by responseActions (${rules}); their walks ended there`,
    });
  }
  return highWaterMark;
}

/** The limit a page's response announced, for the run's timeline and the admin; `undefined` when it announced none. */
function apiRateLimit({ limit, remaining, resetAt }: ServerRateInfo): ApiRateLimit | undefined {
  if (limit === undefined && remaining === undefined) return undefined;
  return { limit, remaining, resetAt: resetAt === undefined ? undefined : new Date(resetAt).toISOString() };
}
