// Goal 4: three worker processes sharing one Redis budget of 8 requests/s
// while two CPU-bound processes load the machine: no rejection, never more
// than 8 in any server-counted 1 s window. Baseline in the same run: the
// budget counting requests from their grant with its fixed 100 ms guard.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startDemoApi } from 'siphon-sync/demo-api';
import { type Figure, percent, type Scenario } from '../harness/figure.js';

const run = promisify(execFile);
const worker = fileURLToPath(new URL('../harness/budget-worker.ts', import.meta.url));
const REDIS = process.env.SIPHON_TEST_REDIS ?? process.env.BENCH_REDIS ?? 'redis://127.0.0.1:6379';

interface Outcome {
  readonly requests: number;
  readonly rejected: number;
  readonly maxInWindow: number;
  readonly utilization: number;
}

async function sharedWalk(pages: number, hold: boolean): Promise<Outcome> {
  const api = await startDemoApi({
    seed: 2,
    size: { coins: 5 * pages },
    rateLimit: { requests: 8, perMs: 1000, window: 'sliding' },
    latencyMs: [5, 30],
  });
  try {
    const prefix = `siphon-bench-${process.pid}-${hold ? 'hold' : 'grant'}`;
    await Promise.all(
      [0, 1, 2].map(() => run(process.execPath, ['--import', 'tsx', worker, api.url, REDIS, prefix, String(pages), hold ? '1' : '0'])),
    );
    const stats = api.stats();
    // From the first arrival to the last: the workers' start-up (slow on a loaded machine) is not the budget's doing.
    const elapsed = Math.max(1, Math.max(...stats.arrivals) - Math.min(...stats.arrivals));
    const ideal = (Math.ceil(stats.requests / 8) - 1) * 1000; // fastest the limit allows
    return { requests: stats.requests, rejected: stats.rejected, maxInWindow: api.maxInWindow(1000), utilization: ideal / elapsed };
  } finally {
    await api.close();
  }
}

/** Two processes spinning on the CPU, as the goal asks; ended by their PIDs. */
function burners(): ChildProcess[] {
  return [0, 1].map(() => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
}

export const distributed: Scenario = {
  name: 'distributed',
  description: '3 workers share a Redis budget of 8 req/s beside 2 CPU-bound processes',
  async run({ quick }) {
    const pages = quick ? 20 : 40;
    const load = burners();
    try {
      const grant = await sharedWalk(pages, false);
      const settle = await sharedWalk(pages, true);
      return [
        {
          scenario: 'distributed',
          figure: `3 workers × ${pages} pages, 8 req/s, 2 CPU burners`,
          goal: '0 rejected, ≤ 8 in any 1 s',
          baseline: `counted from grant: ${grant.rejected} rejected, max ${grant.maxInWindow}/s, ${percent(grant.utilization)}`,
          measured: `${settle.rejected} rejected, max ${settle.maxInWindow}/s, ${percent(settle.utilization)}`,
          ratio: settle.utilization,
          pass: settle.rejected === 0 && settle.maxInWindow <= 8,
          note: `${settle.requests} requests; utilization is the share of the 8 req/s the walks used`,
        } satisfies Figure,
      ];
    } finally {
      for (const child of load) child.kill();
    }
  },
};
