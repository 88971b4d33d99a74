import { streamSSE } from 'hono/streaming';
import type { RunEvent } from '../store/run-history-types.js';
import type { AdminContext } from './admin-env.js';
import type { AdminState } from './admin-state.js';
import { formatCount, formatDuration } from './format.js';
import { maskedEvents } from './masked-config.js';
import { findRun, type RunProgress, runProgress, type TimelineFacts, timelineFacts } from './run-detail.js';
import { describeEvent } from './timeline.js';

/** A live view stops after this long, whatever the run does; the browser reconnects if it still looks. */
const MAX_STREAM_MS = 30 * 60 * 1000;

/**
 * A run's row says it ended just before its last timeline events are written
 * (they are kept a few at a time, best effort): after the row, the stream
 * waits this long at most for the `run-end` event before it ends.
 */
const END_GRACE_MS = 2_000;

/** A timeline event as a live view shows it. */
export function liveEvent(event: RunEvent) {
  return { id: event.id, at: event.at, type: event.type, text: describeEvent(event) };
}

/** The figures of a run page, formatted as the page shows them. */
export function liveFigures(progress: RunProgress) {
  const { run } = progress;
  return {
    id: run.id,
    status: run.status,
    records: run.records,
    pages: run.pages,
    retries: run.retries,
    waitedMs: run.waitedMs,
    elapsedMs: progress.elapsedMs,
    recordsPerSecond: progress.recordsPerSecond,
    total: progress.total ?? null,
    etaMs: progress.etaMs ?? null,
    text: {
      records: formatCount(run.records),
      pages: formatCount(run.pages),
      retries: formatCount(run.retries),
      waited: formatDuration(run.waitedMs),
      duration: formatDuration(progress.elapsedMs),
      rate: progress.recordsPerSecond.toFixed(1),
      eta: progress.etaMs === undefined ? '–' : formatDuration(progress.etaMs),
    },
  };
}

/**
 * Server-Sent Events following one run: `events` (new timeline entries,
 * with their id as the SSE id so a reconnect resumes after the last),
 * `run` (the figures) while it runs, then `end` with the final figures.
 * It reads the store, so it follows a run whichever process or worker runs it.
 */
export async function liveRun(c: AdminContext, state: AdminState, runId: number): Promise<Response> {
  await findRun(state.store, runId);
  const resumeFrom = Number(c.req.header('last-event-id') ?? c.req.query('after') ?? 0);
  return streamSSE(c, async (stream) => {
    let lastId = Number.isSafeInteger(resumeFrom) ? resumeFrom : 0;
    let facts: TimelineFacts | undefined;
    let timelineEnded = false;
    let endedAt: number | undefined;
    const deadline = Date.now() + MAX_STREAM_MS;
    while (!stream.aborted && Date.now() < deadline) {
      const run = await findRun(state.store, runId);
      const events = maskedEvents(state.config, await state.store.runs.events.list(runId, facts === undefined ? {} : { after: lastId }));
      facts = timelineFacts(events, facts);
      if (events.some((event) => event.type === 'run-end')) timelineEnded = true;
      const fresh = events.filter((event) => event.id > lastId);
      if (fresh.length > 0) {
        lastId = fresh.at(-1)?.id ?? lastId;
        await stream.writeSSE({ event: 'events', id: String(lastId), data: JSON.stringify(fresh.map(liveEvent)) });
      }
      const figures = liveFigures(runProgress(run, facts, state.now()));
      if (run.status !== 'running') {
        endedAt ??= Date.now();
        if (timelineEnded || Date.now() - endedAt >= END_GRACE_MS) {
          await stream.writeSSE({ event: 'end', data: JSON.stringify(figures) });
          return;
        }
      } else {
        await stream.writeSSE({ event: 'run', data: JSON.stringify(figures) });
      }
      await stream.sleep(state.livePollMs);
    }
  });
}
