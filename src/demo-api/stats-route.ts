import { type DemoRequest, type DemoResponse, jsonValue, methodNotAllowed, notFound } from './route.js';
import type { StatsRecorder } from './stats.js';

export const STATS_PATH = '/__stats';

export function isStatsPath(pathname: string): boolean {
  return pathname === STATS_PATH || pathname.startsWith(`${STATS_PATH}/`);
}

/**
 * `GET /__stats[?window=MS]` and `POST /__stats/reset`. Outside the limiter,
 * faults, latency and auth, so a test can always look at the server.
 */
export function statsRoute(request: DemoRequest, recorder: StatsRecorder): DemoResponse {
  const { pathname, searchParams } = request.url;
  if (pathname === `${STATS_PATH}/reset`) {
    if (request.method !== 'POST') return jsonValue(405, { error: 'method not allowed' }, { allow: 'POST' });
    recorder.reset();
    return jsonValue(200, { reset: true });
  }
  if (pathname !== STATS_PATH) return notFound(pathname);
  if (request.method !== 'GET' && request.method !== 'HEAD') return methodNotAllowed();
  const window = searchParams.get('window');
  if (window === null) return jsonValue(200, recorder.snapshot());
  if (!/^\d{1,12}$/.test(window) || Number(window) < 1) return jsonValue(400, { error: 'invalid window: expected milliseconds >= 1' });
  return jsonValue(200, { ...recorder.snapshot(), maxInWindow: recorder.maxInWindow(Number(window)) });
}
