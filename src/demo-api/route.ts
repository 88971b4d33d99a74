import type { IncomingHttpHeaders } from 'node:http';

/** What an endpoint sees of a request. */
export interface DemoRequest {
  readonly method: string;
  /** The full request URL, resolved against the server's own base URL. */
  readonly url: URL;
  readonly headers: IncomingHttpHeaders;
  /** `http://host:port`, no trailing slash: absolute links are built on it. */
  readonly baseUrl: string;
  /** The body of a POST or PUT as text (`''` for other methods). */
  readonly body: string;
}

/**
 * A complete answer, body already serialized. Endpoints return values instead
 * of writing to the socket so the server can still delay, truncate or count
 * the response uniformly.
 */
export interface DemoResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** An endpoint family: answers the requests it owns, `undefined` for the rest. */
export type DemoRoute = (request: DemoRequest) => DemoResponse | undefined;

export function jsonText(status: number, body: string, headers: Record<string, string> = {}): DemoResponse {
  return { status, headers, body };
}

export function jsonValue(status: number, value: unknown, headers: Record<string, string> = {}): DemoResponse {
  return { status, headers, body: JSON.stringify(value) };
}

export function notFound(path: string): DemoResponse {
  return jsonValue(404, { error: 'not found', path });
}

export function badRequest(message: string): DemoResponse {
  return jsonValue(400, { error: message });
}

export function methodNotAllowed(): DemoResponse {
  return jsonValue(405, { error: 'method not allowed' }, { allow: 'GET, HEAD' });
}

/** GET and HEAD are the only reads; every demo endpoint is read-only. */
export function isRead(request: DemoRequest): boolean {
  return request.method === 'GET' || request.method === 'HEAD';
}

/**
 * A query parameter as a non-negative integer: `fallback` when absent,
 * `undefined` when present but not a plain integer (the caller answers 400).
 */
export function intParam(url: URL, name: string, fallback: number): number | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return fallback;
  return /^\d{1,15}$/.test(raw) ? Number(raw) : undefined;
}

/** `base` + path + `params`, with `?` only when there are params. */
export function absoluteUrl(base: string, path: string, params: URLSearchParams): string {
  const query = params.toString();
  return `${base}${path}${query ? `?${query}` : ''}`;
}
