import { openStore, type RunRecord, type Store } from 'siphon-sync/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, dialects, type TestDatabase } from './helpers/databases.js';

describe.each(dialects)('store.runs.page and store.runs.events (%s)', (dialect) => {
  let database: TestDatabase;
  let store: Store;
  /** Oldest first: 40 runs of two resources, every fourth failed, every fifth scheduled. */
  const runs: RunRecord[] = [];

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    store = await openStore(database.url);
    await store.init();
    for (let index = 0; index < 40; index += 1) {
      const resource = index % 2 === 0 ? 'api.a' : 'api.b';
      const trigger = index % 5 === 0 ? 'schedule' : 'manual';
      if (index % 4 === 3) runs.push(await store.runs.fail((await store.runs.start({ resource, trigger })).id, `boom ${index}`));
      else runs.push(await store.runs.skip(resource, trigger, 'another run of this resource is in progress'));
    }
  });

  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  const ids = (list: readonly RunRecord[]): number[] => list.map((run) => run.id);

  it('pages the history newest first, older and newer by keyset', async () => {
    const all = await store.runs.list({ limit: 1000 });
    const first = await store.runs.page({ limit: 15 });
    expect(ids(first.runs)).toEqual(ids(all).slice(0, 15));
    expect(first.newer).toBeUndefined();
    const second = await store.runs.page({ limit: 15, before: first.older });
    expect(ids(second.runs)).toEqual(ids(all).slice(15, 30));
    const third = await store.runs.page({ limit: 15, before: second.older });
    expect(ids(third.runs)).toEqual(ids(all).slice(30));
    expect(third.older).toBeUndefined();
    const back = await store.runs.page({ limit: 15, after: second.newer });
    expect(ids(back.runs)).toEqual(ids(first.runs));
    expect(back.newer).toBeUndefined();
    expect(back.older).toBe(first.older);
  });

  it('filters by resource, status, trigger and start time', async () => {
    const failedB = await store.runs.page({ resource: 'api.b', status: 'failed', limit: 100 });
    expect(failedB.runs.every((run) => run.resource === 'api.b' && run.status === 'failed')).toBe(true);
    expect(failedB.runs).toHaveLength(runs.filter((run) => run.resource === 'api.b' && run.status === 'failed').length);
    expect(failedB.runs[0]?.error).toMatch(/^boom \d+$/);
    const scheduled = await store.runs.page({ trigger: 'schedule', limit: 3 });
    expect(scheduled.runs.map((run) => run.trigger)).toEqual(['schedule', 'schedule', 'schedule']);
    const rest = await store.runs.page({ trigger: 'schedule', limit: 100, before: scheduled.older });
    expect([...scheduled.runs, ...rest.runs].map((run) => run.id)).toEqual(
      runs
        .filter((run) => run.trigger === 'schedule')
        .map((run) => run.id)
        .reverse(),
    );
    const later = runs[30]!.startedAt;
    const since = await store.runs.page({ from: later, limit: 100 });
    expect(since.runs.every((run) => run.startedAt >= later)).toBe(true);
    expect(await store.runs.page({ to: '2000-01-01T00:00:00.000Z' })).toEqual({ runs: [], older: undefined, newer: undefined });
  });

  it('keeps each run’s newest 1,000 events, oldest first, and reads those after an id', async () => {
    const run = runs[0]!;
    const other = runs[1]!;
    const at = new Date().toISOString();
    await store.runs.events.append(other.id, [{ at, type: 'page', data: { index: 0 } }]);
    for (let batch = 0; batch < 11; batch += 1) {
      const events = Array.from({ length: 100 }, (_, i) => ({ at, type: 'page', data: { index: batch * 100 + i } }));
      await store.runs.events.append(run.id, events);
    }
    const events = await store.runs.events.list(run.id);
    expect(events).toHaveLength(1000);
    expect(events[0]?.data).toEqual({ index: 100 });
    expect(events.at(-1)?.data).toMatchObject({ index: 1099 });
    expect(events[0]?.at).toBe(at);
    const tail = await store.runs.events.list(run.id, { after: events.at(-3)!.id });
    expect(tail.map((event) => (event.data as { index: number }).index)).toEqual([1098, 1099]);
    expect(await store.runs.events.list(other.id)).toHaveLength(1);
  });
});
