// Adds up how long this process's HTTP requests take, from undici's
// diagnostics channels (request created → body read in full), without
// touching the client: what a run spends on the wire and in the server.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';

export interface RequestTimes {
  requests: number;
  ms: number;
  stop(): void;
}

export function timeRequests(): RequestTimes {
  const started = new WeakMap<object, number>();
  const times: RequestTimes = { requests: 0, ms: 0, stop };
  const onCreate = (message: unknown): void => {
    started.set((message as { request: object }).request, performance.now());
  };
  const onEnd = (message: unknown): void => {
    const request = (message as { request: object }).request;
    const at = started.get(request);
    if (at === undefined) return;
    started.delete(request);
    times.requests += 1;
    times.ms += performance.now() - at;
  };
  subscribe('undici:request:create', onCreate);
  subscribe('undici:request:trailers', onEnd);
  subscribe('undici:request:error', onEnd);
  function stop(): void {
    unsubscribe('undici:request:create', onCreate);
    unsubscribe('undici:request:trailers', onEnd);
    unsubscribe('undici:request:error', onEnd);
  }
  return times;
}
