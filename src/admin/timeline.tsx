import type { RunEvent } from '../store/run-history-types.js';
import { formatCount, formatDuration, formatTime } from './format.js';

type Data = Record<string, unknown>;
const text = (value: unknown): string => (value === undefined || value === null ? '' : String(value));
const ms = (value: unknown): string => (typeof value === 'number' ? formatDuration(value) : '–');
const count = (value: unknown): string => (typeof value === 'number' ? formatCount(value) : text(value));

/** One line of a run's timeline in words. */
export function describeEvent(event: Pick<RunEvent, 'type' | 'data'>): string {
  const data = (event.data ?? {}) as Data;
  switch (event.type) {
    case 'run-start':
      return `attempt ${text(data.attempt)}${data.resumed ? ', resumed from its checkpoint' : ''}`;
    case 'page': {
      const retries = typeof data.attempts === 'number' && data.attempts > 1 ? ` after ${data.attempts - 1} retries` : '';
      const waited = typeof data.waitedMs === 'number' && data.waitedMs > 0 ? `, waited ${ms(data.waitedMs)}` : '';
      return `page ${count(data.index)}: ${count(data.records)} records, HTTP ${text(data.status)}${retries}${waited}`;
    }
    case 'retry':
      return `attempt ${text(data.attempt)} failed (${text(data.reason)}); retrying in ${ms(data.waitMs)}${data.announced ? ' as the server asked' : ''}`;
    case 'throttle':
      return `waited ${ms(data.waitMs)} for the rate budget`;
    case 'progress':
      return `committed: ${count(data.committed)} records in all${typeof data.total === 'number' ? ` of ${count(data.total)}` : ''} (${count(data.pages)} pages this attempt)`;
    case 'detected':
      return `detected ${text(data.description)}`;
    case 'range':
      return `asked for ${data.from ? `changes from ${text(data.from)}` : 'everything'}${data.to ? ` to ${text(data.to)}` : ''}`;
    case 'window':
      return `window ${data.start ? `from ${text(data.start)} ` : ''}to ${text(data.end)}`;
    case 'widened':
      return `widened ${text(data.table)}.${text(data.column)} from ${text(data.from)} to ${text(data.to)}`;
    case 'warning':
      return `warning: ${text(data.message)}`;
    case 'lease-wait':
      return `waiting for ${text(data.holder)} to release the resource`;
    case 'skipped':
      return `skipped: ${text(data.reason)}`;
    case 'run-end':
      return `${text(data.status)}: ${count(data.records)} records, ${count(data.pages)} pages`;
    default:
      return JSON.stringify(data);
  }
}

/** The timeline as a table; times are offsets from the first event. */
export function Timeline({ events }: { events: readonly RunEvent[] }) {
  const start = events[0] ? Date.parse(events[0].at) : 0;
  return (
    <table class="grid timeline" id="timeline">
      <thead>
        <tr>
          <th>at</th>
          <th>+</th>
          <th>event</th>
          <th>what happened</th>
        </tr>
      </thead>
      <tbody>
        {events.map((event) => (
          <tr class={`event-${event.type}`} data-event-id={event.id}>
            <td class="small">{formatTime(event.at)}</td>
            <td class="num small">{formatDuration(Date.parse(event.at) - start)}</td>
            <td>
              <code>{event.type}</code>
            </td>
            <td>{describeEvent(event)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
