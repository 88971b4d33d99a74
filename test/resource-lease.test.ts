import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { SiphonError } from 'siphon-sync';
import { openStore, type Store } from 'siphon-sync/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResourceLease, type TakeLeaseOptions } from '../src/sync/resource-lease.js';
import { sleep, waitFor } from './helpers/async.js';
import { createTestDatabase, dialects, type TestDatabase } from './helpers/databases.js';

/** Takes a lease the test expects to be free. */
async function take(options: TakeLeaseOptions): Promise<ResourceLease> {
  const lease = await ResourceLease.take(options);
  if (!lease) throw new Error(`${options.resource}: the lease was not taken`);
  return lease;
}

describe.each(dialects)('resource lease (%s)', (dialect) => {
  let db: TestDatabase;
  let store: Store;
  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    store = await openStore(db.url);
    await store.init();
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('is renewed while held, and released once however often release is called', async () => {
    let renewals = 0;
    const lease = await take({
      leases: store.leases,
      resource: 'l.renewed',
      owner: 'me',
      ttlMs: 1200, // renewed every second
      onRenewed: async () => {
        renewals += 1;
      },
    });
    // Past the first expiry: only the renewals keep another owner out.
    await sleep(2300);
    expect(renewals).toBeGreaterThanOrEqual(2);
    expect(await store.leases.acquire('l.renewed', 'other', 60_000)).toBe(false);
    expect(lease.lost.aborted).toBe(false);

    await Promise.all([lease.release(), lease.release()]);
    await lease[Symbol.asyncDispose]();
    expect(await store.leases.holder('l.renewed')).toBeUndefined();
    const after = renewals;
    await sleep(1200);
    expect(renewals).toBe(after); // no timer left behind
  });

  it('aborts `lost` when another owner takes it over, and then leaves that owner be', async () => {
    let renewals = 0;
    const lease = await take({
      leases: store.leases,
      resource: 'l.lost',
      owner: 'me',
      ttlMs: 200, // expires long before the first renewal, at one second
      onRenewed: async () => {
        renewals += 1;
      },
    });
    await sleep(300);
    expect(await store.leases.acquire('l.lost', 'other-host:1:abcdef', 60_000)).toBe(true);
    await waitFor(() => lease.lost.aborted === true, 5000, 'the lease to be lost');
    expect(lease.lost.reason).toBeInstanceOf(SiphonError);
    expect((lease.lost.reason as SiphonError).message).toBe('l.lost: lost its lease to another process; stopping');
    expect(renewals).toBe(0);
    await lease.release();
    expect(await store.leases.holder('l.lost')).toBe('other-host:1:abcdef');
  });

  it('waits up to waitMs for a live holder, announcing the wait once, and gives up after', async () => {
    expect(await store.leases.acquire('l.busy', 'other-host:1:abcdef', 60_000)).toBe(true);
    const holders: string[] = [];
    const options = {
      leases: store.leases,
      resource: 'l.busy',
      owner: 'me',
      ttlMs: 60_000,
      onWait: (holder: string) => holders.push(holder),
    };
    expect(await ResourceLease.take(options)).toBeUndefined();
    expect(holders).toEqual([]); // no wait, nothing to announce

    const started = Date.now();
    expect(await ResourceLease.take({ ...options, waitMs: 700 })).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
    expect(holders).toEqual(['other-host:1:abcdef']);

    const abort = new AbortController();
    setTimeout(() => abort.abort(new Error('shutting down')), 300);
    const aborted = Date.now();
    expect(await ResourceLease.take({ ...options, waitMs: 30_000, signal: abort.signal })).toBeUndefined();
    expect(Date.now() - aborted).toBeLessThan(5000);

    setTimeout(() => void store.leases.release('l.busy', 'other-host:1:abcdef'), 300);
    const lease = await take({ ...options, waitMs: 10_000 });
    expect(await store.leases.holder('l.busy')).toBe('me');
    await lease.release();
  });

  it('takes over at once from a process of this host that has exited', async () => {
    const exited = spawnSync(process.execPath, ['-e', '']);
    expect(exited.status).toBe(0);
    const dead = `${hostname()}:${exited.pid}:abcdef`;
    expect(await store.leases.acquire('l.dead', dead, 60_000)).toBe(true);
    const lease = await take({ leases: store.leases, resource: 'l.dead', owner: 'me', ttlMs: 60_000 });
    expect(await store.leases.holder('l.dead')).toBe('me');
    await lease.release();
  });
});
