import type { ServerResponse } from 'node:http';
import type { DemoResponse } from './route.js';

function prepare(response: DemoResponse, extra: Readonly<Record<string, string>>): { body: Buffer; headers: Record<string, string> } {
  const body = Buffer.from(response.body, 'utf8');
  return {
    body,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(body.length),
      ...extra,
      ...response.headers,
    },
  };
}

/** Writes a complete response; HEAD requests get the headers only (Node drops the body). */
export function send(res: ServerResponse, response: DemoResponse, extra: Readonly<Record<string, string>> = {}): void {
  if (res.destroyed) return;
  const { body, headers } = prepare(response, extra);
  res.writeHead(response.status, headers);
  res.end(body);
}

/**
 * Announces the full `Content-Length`, sends about half the body and drops
 * the connection: the client sees a good status and then a body that ends
 * early, as when a proxy dies mid-transfer.
 */
export function sendTruncated(res: ServerResponse, response: DemoResponse, extra: Readonly<Record<string, string>> = {}): void {
  if (res.destroyed) return;
  const { body, headers } = prepare(response, extra);
  res.writeHead(response.status, headers);
  res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
}
