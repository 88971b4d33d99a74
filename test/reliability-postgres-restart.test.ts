import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoDataset, startDemoApi } from 'siphon-sync/demo-api';
import { openStore } from 'siphon-sync/store';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { sleep, tableRows, waitFor } from './helpers/async.js';
import { runCli, spawnCli } from './helpers/cli.js';
import { cursorEventsYaml } from './helpers/cursor-events.js';
import { createTestDatabase } from './helpers/databases.js';
import { RELIABILITY } from './helpers/reliability.js';
import { type EmbeddedPostgres, startEmbeddedPostgres } from './setup/start-embedded-postgres.js';

// PostgreSQL restarted (fast shutdown, then started again on the same port
// and data) in the middle of a `siphon run`: the run waits the outage out,
// reconnects and completes, exact, without fetching any page again. The
// server is a private one: the shared PostgreSQL other tests use is never
// touched.
const RECORDS = RELIABILITY.full ? 5_000 : 600;
const RESTARTS = RELIABILITY.full ? 5 : 1;
const PAGE = 20;
const size = { cursorEvents: RECORDS };
const events = demoDataset({ seed: 9, size }).cursorEvents;

let postgres: EmbeddedPostgres;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'siphon-test-'));
  postgres = await startEmbeddedPostgres();
}, 180_000);
afterAll(async () => {
  await postgres?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe(`PostgreSQL restarted ${RESTARTS} time(s) during a run`, () => {
  // One at a time: they share the one server being restarted.
  it.for(['merge', 'append', 'replace'] as const)(
    '%s: the run rides the outage out and completes, exact, nothing fetched twice',
    { timeout: RELIABILITY.full ? 1_800_000 : 120_000 },
    async (write, { expect }) => {
      const api = await startDemoApi({ seed: 9, size, latencyMs: [10, 30] });
      const url = new URL(postgres.url);
      url.searchParams.set('schema', `restart_${write}`);
      const file = join(dir, `${write}.yaml`);
      writeFileSync(file, cursorEventsYaml({ baseUrl: api.url, database: url.toString(), write, page: PAGE }));
      const store = await openStore(url.toString());
      try {
        await store.init();
        if (write === 'replace') {
          const first = await runCli(['run', '--config', file]);
          expect(first.code, first.stderr).toBe(0);
        }
        api.resetStats();
        const totalPages = Math.ceil(RECORDS / PAGE);
        const child = spawnCli(['run', '--config', file]);
        for (let restart = 1; restart <= RESTARTS; restart += 1) {
          const at = Math.floor((totalPages * restart) / (RESTARTS + 1));
          const exited = await Promise.race([
            waitFor(
              async () => {
                const [run] = await store.runs.list({ resource: 'demo.events', limit: 1 });
                return run?.status === 'running' && run.pages >= at;
              },
              60_000,
              `page ${at}`,
            ).then(() => undefined),
            child.result,
          ]);
          expect(exited, 'the run ended before the restart').toBeUndefined();
          await postgres.halt();
          // Long enough for several reconnect attempts to be refused.
          await sleep(1500);
          await postgres.resume();
        }
        const result = await child.result;
        const output = result.stdout + result.stderr;
        expect(result.code, output).toBe(0);
        expect(output).toMatch(/lost the database connection .*reconnecting in/);

        const [run] = await store.runs.list({ resource: 'demo.events', limit: 1 });
        expect(run?.status).toBe('succeeded');
        expect(run?.attempt).toBe(1);
        expect(run?.records).toBe(events.length);
        const rows = await tableRows(store, 'events');
        // Exactly once each: an append table has no key to hide a batch written twice.
        expect(rows.map((row) => Number(row.id)).sort((a, b) => a - b)).toEqual(events.map((event) => event.id));
        const amounts = new Map(rows.map((row) => [Number(row.id), String(row.amount)]));
        for (const event of events) expect(amounts.get(event.id)).toBe(event.amount.toFixed(2));
        // The batch in flight was committed again, not fetched again.
        expect(api.stats().refetched).toBe(0);
      } finally {
        await store.close();
        await api.close();
      }
    },
  );
});

/**
 * A TCP relay to PostgreSQL that, once armed, lets the next COMMIT of a
 * transaction that wrote to "events" reach the server and then cuts the
 * connection before the answer comes back: the batch is committed, and the
 * client cannot know.
 */
async function commitCutter(target: URL): Promise<{ port: number; arm(): void; cuts(): number; close(): Promise<void> }> {
  let armed = false;
  let cuts = 0;
  const sockets = new Set<Socket>();
  const relay = createServer((client) => {
    const server = connect(Number(target.port || 5432), target.hostname);
    sockets.add(client).add(server);
    let wroteEvents = false;
    let cut = false;
    const end = (): void => {
      client.destroy();
      server.destroy();
    };
    client.on('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1');
      if (text.includes('"events"')) wroteEvents = true;
      if (/commit\0/i.test(text)) {
        if (armed && wroteEvents) {
          armed = false;
          cut = true;
          cuts += 1;
          server.write(chunk);
          // Time for the server to apply it; its answer is never relayed.
          setTimeout(end, 200);
          return;
        }
        wroteEvents = false;
      }
      server.write(chunk);
    });
    server.on('data', (chunk: Buffer) => {
      if (!cut) client.write(chunk);
    });
    client.on('error', end).on('close', end);
    server.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const address = relay.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    arm: () => {
      armed = true;
    },
    cuts: () => cuts,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => relay.close(resolve));
    },
  };
}

describe('the connection lost during a batch COMMIT the server applied', () => {
  it('append: the run reads its counters back and does not write the batch again', { timeout: 60_000 }, async ({ expect }) => {
    const db = await createTestDatabase('postgres');
    const api = await startDemoApi({ seed: 9, size, latencyMs: [10, 30] });
    const direct = new URL(db.url);
    const cutter = await commitCutter(direct);
    const relayed = new URL(db.url);
    relayed.hostname = '127.0.0.1';
    relayed.port = String(cutter.port);
    const file = join(db.dir, 'cut.yaml');
    writeFileSync(file, cursorEventsYaml({ baseUrl: api.url, database: relayed.toString(), write: 'append', page: PAGE }));
    const store = await openStore(db.url);
    try {
      await store.init();
      const child = spawnCli(['run', '--config', file]);
      const exited = await Promise.race([
        waitFor(
          async () => {
            const [run] = await store.runs.list({ resource: 'demo.events', limit: 1 });
            return run?.status === 'running' && run.pages >= 5;
          },
          30_000,
          'page 5',
        ).then(() => undefined),
        child.result,
      ]);
      expect(exited, 'the run ended before the cut').toBeUndefined();
      cutter.arm();
      const result = await child.result;
      const output = result.stdout + result.stderr;
      expect(result.code, output).toBe(0);
      expect(cutter.cuts()).toBe(1);
      expect(output).toMatch(/lost the database connection committing page/);

      const [run] = await store.runs.list({ resource: 'demo.events', limit: 1 });
      expect(run?.status).toBe('succeeded');
      expect(run?.records).toBe(events.length);
      // Each once: written again, the cut batch's rows would be here twice.
      const ids = (await tableRows(store, 'events')).map((row) => Number(row.id)).sort((a, b) => a - b);
      expect(ids).toEqual(events.map((event) => event.id));
    } finally {
      await store.close();
      await cutter.close();
      await api.close();
      await db.drop();
    }
  });
});
