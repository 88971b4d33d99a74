// A Store that adds up the time its callers wait on each method, to split a
// run's cost between the database and the rest. Overlapping calls (several
// runs in flight) each count their own wait, so totals ÷ runs is the mean
// database time one run spends, not the database's busy time.
import type { Store } from 'siphon-sync/store';

export interface StoreTime {
  calls: number;
  ms: number;
}

/** Per method path (`leases.acquire`, `runs.complete`, `writeBatch`, …). */
export type StoreTimes = Map<string, StoreTime>;

/** Which part of a run a store method is: the lease, the run history and state, the data itself. */
export function storePart(method: string): 'lease' | 'history' | 'data' {
  if (method.startsWith('leases.')) return 'lease';
  if (method.startsWith('runs.')) return 'history';
  return 'data';
}

export function timedStore(store: Store): { store: Store; times: StoreTimes } {
  const times: StoreTimes = new Map();
  const wrap = <T extends object>(target: T, path: string): T =>
    new Proxy(target, {
      get(object, key, receiver) {
        const value: unknown = Reflect.get(object, key, receiver);
        if (typeof key !== 'string') return value;
        const name = path === '' ? key : `${path}.${key}`;
        if (typeof value === 'function') {
          // Called on the real object: stores keep their state in private fields a proxy cannot reach.
          return (...args: unknown[]): unknown => {
            const started = performance.now();
            const result: unknown = Reflect.apply(value, object, args);
            if (!(result instanceof Promise)) return result;
            return result.finally(() => {
              const time = times.get(name) ?? { calls: 0, ms: 0 };
              time.calls += 1;
              time.ms += performance.now() - started;
              times.set(name, time);
            });
          };
        }
        if (value !== null && typeof value === 'object' && (key === 'runs' || key === 'leases' || key === 'events')) {
          return wrap(value, name);
        }
        return value;
      },
    });
  return { store: wrap(store, ''), times };
}

/** Adds `from` into `into`. */
export function mergeTimes(into: StoreTimes, from: Iterable<[string, StoreTime]>): StoreTimes {
  for (const [name, time] of from) {
    const total = into.get(name) ?? { calls: 0, ms: 0 };
    total.calls += time.calls;
    total.ms += time.ms;
    into.set(name, total);
  }
  return into;
}
