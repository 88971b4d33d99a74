import { Command } from 'commander';
import type { ResolvedConfig, ResolvedResource } from '../../config/types.js';
import { SiphonError } from '../../errors/siphon-error.js';
import type { Store } from '../../store/types.js';
import { openContext, withConfigOption } from '../context.js';
import { cellText, formatTable } from '../print-table.js';
import { findResource } from '../resource-id.js';

/** Long enough for the reset's one transaction; a live run renews its own lease far more often than this matters. */
const RESET_LEASE_MS = 30_000;

/** `siphon state show|reset`: where each resource stands between runs. */
export function stateCommand(): Command {
  const state = new Command('state').description(
    "what each resource keeps between runs: its incremental high-water mark and an unfinished run's checkpoint",
  );
  state.addCommand(stateShowCommand());
  state.addCommand(stateResetCommand());
  return state;
}

interface ResourceStateView {
  readonly resource: string;
  readonly highWaterMark: string | null;
  readonly lastSuccessAt: string | null;
  readonly lastRunId: number | null;
  /** The unfinished run the next run resumes, with its (masked) checkpoint. */
  readonly resumes: { readonly runId: number; readonly status: string; readonly checkpoint: unknown } | null;
  /** Who holds the resource's lease (a running run), if anyone. */
  readonly leaseHolder: string | null;
}

function stateShowCommand(): Command {
  return withConfigOption(
    new Command('show')
      .description('show the high-water marks and the checkpoints of interrupted runs (of every resource, or of one)')
      .argument('[resource]', 'a source.resource id')
      .option('--json', 'print as JSON (checkpoints masked)'),
  ).action(async (id: string | undefined, options: { config?: string; json?: boolean }) => {
    const context = await openContext(options, 'read');
    try {
      const resources = id === undefined ? context.config.resources : [findResource(context.config, id, 'resource')];
      const views = (await hasBookkeeping(context.store))
        ? await Promise.all(resources.map((resource) => stateView(context.config, context.store, resource)))
        : resources.map((resource) => emptyView(resource));
      if (options.json) {
        const { stringifyJson } = await import('../../util/exact-json.js');
        process.stdout.write(`${stringifyJson(views, 2)}\n`);
        return;
      }
      const columns = ['resource', 'high-water mark', 'last success', 'resumes run', 'checkpoint', 'lease'];
      const rows = views.map((view) => [
        view.resource,
        view.highWaterMark ?? '',
        view.lastSuccessAt ?? '',
        view.resumes === null ? '' : `${view.resumes.runId} (${view.resumes.status})`,
        view.resumes === null ? '' : cellText(view.resumes.checkpoint),
        view.leaseHolder ?? '',
      ]);
      process.stdout.write(formatTable(columns, rows));
    } finally {
      await context.close();
    }
  });
}

function stateResetCommand(): Command {
  return withConfigOption(
    new Command('reset')
      .description(
        'forget where a resource stands (its high-water mark and the checkpoints of its unfinished runs): its next run starts from the first page; ' +
          'refused while a run of it is going',
      )
      .argument('<resource>', 'the source.resource id (required: there is no reset of everything)'),
  ).action(async (id: string, options: { config?: string }) => {
    const context = await openContext(options, 'existing');
    try {
      const resource = findResource(context.config, id, 'resource');
      if (!(await hasBookkeeping(context.store))) {
        process.stdout.write(`${resource.id}: nothing to reset (no run yet)\n`);
        return;
      }
      const { ResourceLease } = await import('../../sync/resource-lease.js');
      const { defaultWorker, newLeaseOwner } = await import('../../sync/lease-owner.js');
      // Holding the lease keeps a run from starting (or resuming) halfway through the reset.
      const lease = await ResourceLease.take({
        leases: context.store.leases,
        resource: resource.id,
        owner: newLeaseOwner(`state-reset:${defaultWorker()}`),
        ttlMs: RESET_LEASE_MS,
      });
      if (!lease) {
        const holder = await context.store.leases.holder(resource.id);
        // Exit 1, not 2: the same command works once the run is over.
        throw new SiphonError(
          `${resource.id}: a run of it is going (its lease is held by ${holder ?? 'another process'}); stop it or wait for it to end, then reset`,
        );
      }
      try {
        const cleared = await context.store.runs.resetState(resource.id);
        const what = [
          cleared.highWaterMark === null ? 'no high-water mark' : `high-water mark ${cleared.highWaterMark}`,
          cleared.runs.length === 0 ? 'no checkpoint' : `the checkpoint of run ${cleared.runs.join(', ')}`,
        ];
        process.stdout.write(`${resource.id}: cleared ${what.join(' and ')}; its next run starts from the first page\n`);
      } finally {
        await lease.release();
      }
    } finally {
      await context.close();
    }
  });
}

async function hasBookkeeping(store: Store): Promise<boolean> {
  const { RUNS_TABLE, STATE_TABLE } = await import('../../store/siphon-tables.js');
  return (await store.hasTable(RUNS_TABLE)) && (await store.hasTable(STATE_TABLE));
}

async function stateView(config: ResolvedConfig, store: Store, resource: ResolvedResource): Promise<ResourceStateView> {
  const { maskedJson } = await import('../../admin/masked-config.js');
  const [state, resumable, holder] = await Promise.all([
    store.runs.state(resource.id),
    store.runs.findResumable(resource.id),
    store.leases.holder(resource.id),
  ]);
  return {
    resource: resource.id,
    highWaterMark: state?.highWaterMark ?? null,
    lastSuccessAt: state?.lastSuccessAt ?? null,
    lastRunId: state?.lastRunId ?? null,
    resumes:
      resumable === undefined
        ? null
        : { runId: resumable.id, status: resumable.status, checkpoint: maskedJson(config, resumable.checkpoint) },
    leaseHolder: holder ?? null,
  };
}

function emptyView(resource: ResolvedResource): ResourceStateView {
  return { resource: resource.id, highWaterMark: null, lastSuccessAt: null, lastRunId: null, resumes: null, leaseHolder: null };
}
