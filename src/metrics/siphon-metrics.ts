import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { ResolvedConfig } from '../config/types.js';
import type { DistributedEvent } from '../runtime/distributed/distributed-events.js';
import type { RuntimeEvent } from '../runtime/runtime.js';
import type { Store } from '../store/types.js';

export interface SiphonMetricsOptions {
  /** The config whose resources are reported (each gets its series from the start, at 0). */
  readonly config: ResolvedConfig;
  /** Read at each scrape for what outlives this process: the last success of each resource. */
  readonly store?: Store | undefined;
  /**
   * Labels on every series (`{ worker: 'host:pid' }` in distributed mode).
   * @default {}
   */
  readonly labels?: Readonly<Record<string, string>> | undefined;
  /**
   * Adds Node's process metrics (CPU, memory, event loop lag, GC) as `siphon_process_*` and `siphon_nodejs_*`.
   * @default true
   */
  readonly processMetrics?: boolean | undefined;
}

/** Run durations: a page-sized run takes well under a second, a full backfill hours. */
const DURATION_BUCKETS = [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 4 * 3600];

/**
 * Siphon's Prometheus metrics, fed by the runtime's events in this process
 * (`observe`), and by the store at scrape time for what another process may
 * have done (the last success of each resource). One registry per instance,
 * so two in one process (tests, a worker and an admin) never share series.
 */
export class SiphonMetrics {
  readonly registry = new Registry();
  readonly #store: Store | undefined;
  readonly #resources: readonly string[];
  readonly #sourceOf = new Map<string, string>();
  /** Records committed so far by each run in this process, so progress adds only what is new. */
  readonly #committed = new Map<number, number>();
  readonly #runs: Counter<'resource' | 'status'>;
  readonly #duration: Histogram<'resource' | 'status'>;
  readonly #records: Counter<'resource'>;
  readonly #requests: Counter<'source' | 'status'>;
  readonly #retries: Counter<'resource'>;
  readonly #waited: Counter<'resource'>;
  readonly #running: Gauge<'resource'>;

  constructor(options: SiphonMetricsOptions) {
    this.#store = options.store;
    this.registry.setDefaultLabels({ ...options.labels });
    this.#resources = options.config.resources.map((resource) => resource.id);
    for (const resource of options.config.resources) this.#sourceOf.set(resource.id, resource.source.name);
    const registers = [this.registry];
    this.#runs = new Counter({
      name: 'siphon_runs_total',
      help: 'Runs that ended, by resource and status (succeeded, failed, interrupted, skipped).',
      labelNames: ['resource', 'status'],
      registers,
    });
    this.#duration = new Histogram({
      name: 'siphon_run_duration_seconds',
      help: 'Wall time of each run attempt that ended in this process.',
      labelNames: ['resource', 'status'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.#records = new Counter({
      name: 'siphon_records_written_total',
      help: 'Records committed to the database.',
      labelNames: ['resource'],
      registers,
    });
    this.#requests = new Counter({
      name: 'siphon_requests_total',
      help: 'HTTP requests by source and outcome: the status code, or the network error (timeout, ECONNRESET, …).',
      labelNames: ['source', 'status'],
      registers,
    });
    this.#retries = new Counter({ name: 'siphon_retries_total', help: 'Requests retried.', labelNames: ['resource'], registers });
    this.#waited = new Counter({
      name: 'siphon_rate_limit_wait_seconds_total',
      help: 'Seconds spent waiting on rate limits: the declared budget and waits the API announced.',
      labelNames: ['resource'],
      registers,
    });
    this.#running = new Gauge({ name: 'siphon_runs_running', help: 'Runs going in this process.', labelNames: ['resource'], registers });
    const store = this.#store;
    const resources = this.#resources;
    new Gauge({
      name: 'siphon_last_success_timestamp_seconds',
      help: "Unix time at which each resource's last successful run finished (from the run history, whichever process ran it).",
      labelNames: ['resource'],
      registers,
      async collect() {
        if (!store) return;
        const states = await Promise.all(resources.map((resource) => store.runs.state(resource)));
        resources.forEach((resource, index) => {
          const at = states[index]?.lastSuccessAt;
          if (at) this.set({ resource }, Date.parse(at) / 1000);
        });
      },
    });
    // Every resource has its series from the first scrape, so rate() and absent() behave before its first run.
    for (const resource of this.#resources) {
      this.#records.inc({ resource }, 0);
      this.#retries.inc({ resource }, 0);
      this.#waited.inc({ resource }, 0);
      this.#running.set({ resource }, 0);
    }
    // Node's own (CPU, memory, event loop lag, GC), prefixed so they sit apart from an application's.
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'siphon_' });
  }

  /** Counts one runtime or sync event. */
  observe(event: RuntimeEvent | DistributedEvent): void {
    switch (event.type) {
      case 'run-start':
        this.#running.inc({ resource: event.resource });
        this.#committed.set(event.runId, 0);
        break;
      case 'progress': {
        const before = this.#committed.get(event.runId) ?? event.committed;
        if (event.committed > before) this.#records.inc({ resource: event.resource }, event.committed - before);
        this.#committed.set(event.runId, Math.max(before, event.committed));
        break;
      }
      case 'page':
        this.#requests.inc({ source: this.#source(event.resource), status: String(event.status) });
        break;
      case 'retry':
        this.#retries.inc({ resource: event.resource });
        this.#requests.inc({ source: this.#source(event.resource), status: outcomeOf(event.reason) });
        if (event.announced) this.#waited.inc({ resource: event.resource }, event.waitMs / 1000);
        break;
      case 'throttle':
        this.#waited.inc({ resource: event.resource }, event.waitMs / 1000);
        break;
      case 'skipped':
        this.#runs.inc({ resource: event.resource, status: 'skipped' });
        break;
      case 'run-end': {
        const { run } = event;
        this.#runs.inc({ resource: event.resource, status: run.status });
        this.#running.dec({ resource: event.resource });
        this.#committed.delete(run.id);
        const started = Date.parse(run.startedAt);
        const finished = run.finishedAt ? Date.parse(run.finishedAt) : Date.now();
        if (Number.isFinite(started))
          this.#duration.observe({ resource: event.resource, status: run.status }, Math.max(0, finished - started) / 1000);
        break;
      }
      default:
        break;
    }
  }

  /** The metrics in Prometheus' text format. */
  async text(): Promise<string> {
    return this.registry.metrics();
  }

  /** A fetch handler answering the text format (for `createAdminApp({ metrics })` or any fetch server). */
  handler(): (request: Request) => Promise<Response> {
    return async () => new Response(await this.text(), { status: 200, headers: { 'content-type': this.registry.contentType } });
  }

  #source(resource: string): string {
    return this.#sourceOf.get(resource) ?? resource.split('.')[0] ?? resource;
  }
}

/** `HTTP 503` → `503`; a network error keeps its name (`timeout`, `ECONNRESET`); a body-signalled limit is `rate_limited`. */
function outcomeOf(reason: string): string {
  const status = /^HTTP (\d{3})\b/.exec(reason)?.[1];
  if (status) return status;
  if (reason.startsWith('rate limited')) return 'rate_limited';
  return /^[A-Za-z_]+/.exec(reason)?.[0] ?? 'error';
}
