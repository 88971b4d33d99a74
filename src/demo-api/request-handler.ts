import type { IncomingMessage, ServerResponse } from 'node:http';
import { delay } from '../util/delay.js';
import { COINGECKO_LIMIT_BODY, isCoinGeckoPath } from './coins-route.js';
import type { FaultDecision } from './faults.js';
import type { ResolvedOptions } from './options.js';
import { rateLimitHeaders, retryAfterHeader } from './rate-limit-headers.js';
import type { RateLimiter } from './rate-limiter.js';
import { type DemoRequest, type DemoResponse, type DemoRoute, jsonText, jsonValue, notFound } from './route.js';
import { send, sendTruncated } from './send.js';
import type { StatsRecorder } from './stats.js';
import { isStatsPath, statsRoute } from './stats-route.js';

export interface HandlerContext {
  readonly options: ResolvedOptions;
  readonly baseUrl: () => string;
  readonly routes: readonly DemoRoute[];
  readonly stats: StatsRecorder;
  readonly limiter: RateLimiter | undefined;
  readonly decideFault: () => FaultDecision;
  readonly nextLatency: () => number;
}

/**
 * One request through the knobs, in order: count the arrival, ask the
 * limiter (at arrival time, so latency never makes a polite client look
 * rude), draw the fault, wait the latency, then answer or misbehave.
 */
export function createRequestHandler(context: HandlerContext): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { options, stats } = context;
  return async (req, res) => {
    // The search endpoints read a POST or PUT body; any other body is drained so the connection can be kept alive.
    const readsBody = req.method === 'POST' || req.method === 'PUT';
    if (!readsBody) req.resume();
    const body = readsBody ? await readBody(req) : '';
    const now = Date.now();
    const baseUrl = context.baseUrl();
    const url = new URL(req.url ?? '/', baseUrl);
    const request: DemoRequest = { method: req.method ?? 'GET', url, headers: req.headers, baseUrl, body };
    if (isStatsPath(url.pathname)) return send(res, statsRoute(request, stats));

    stats.arrival(url.pathname, now);
    const decision = context.limiter?.check(now);
    const limitHeaders = decision && options.rateLimit ? rateLimitHeaders(decision, options.rateLimit, now) : {};
    // Drawn even for rejected requests, so the n-th request meets the same fault whatever the limiter did.
    const fault = context.decideFault();

    // Aborts when the client goes away or close() destroys the socket, so no timer outlives its request.
    const gone = new AbortController();
    res.once('close', () => gone.abort());
    if (!(await wait(context.nextLatency(), gone.signal))) return;

    if (decision && !decision.allowed) {
      stats.rejected();
      const retryAfter = retryAfterHeader(decision, options.rateLimit?.retryAfter, now);
      return send(res, limitedResponse(url.pathname, options.coinsLimitStatus), { ...limitHeaders, ...retryAfter });
    }

    switch (fault.kind) {
      case 'reset':
        stats.fault('reset');
        req.socket.resetAndDestroy();
        return;
      case 'stall':
        stats.fault('stall');
        if (!(await wait(options.faults.stallMs, gone.signal))) return;
        break; // a stall that outlives its wait is answered normally, just very late
      case 'serverError': {
        stats.fault('serverError');
        const message = fault.serverErrorStatus === 503 ? 'service unavailable' : 'internal server error';
        return send(res, jsonValue(fault.serverErrorStatus, { error: message }), limitHeaders);
      }
      case 'tooManyRequests':
        stats.fault('tooManyRequests');
        return send(res, limitedResponse(url.pathname, options.coinsLimitStatus), { ...limitHeaders, 'retry-after': '1' });
      default:
        break;
    }

    const response = checkApiKey(request, options) ?? route(request, context.routes);
    if (fault.kind === 'truncate') {
      stats.fault('truncate');
      return sendTruncated(res, response, limitHeaders);
    }
    send(res, response, limitHeaders);
    stats.served(req.url ?? '/', response.status);
  };
}

function route(request: DemoRequest, routes: readonly DemoRoute[]): DemoResponse {
  for (const candidate of routes) {
    const response = candidate(request);
    if (response) return response;
  }
  return notFound(request.url.pathname);
}

function checkApiKey(request: DemoRequest, options: ResolvedOptions): DemoResponse | undefined {
  if (!options.apiKey) return undefined;
  const sent = request.headers[options.apiKey.header];
  if ((Array.isArray(sent) ? sent[0] : sent) === options.apiKey.value) return undefined;
  return jsonValue(401, { error: 'invalid or missing API key', header: options.apiKey.header });
}

/** CoinGecko's own body on its routes (with 200 when limits are body-signaled), a generic one elsewhere. */
function limitedResponse(pathname: string, coinsStatus: 429 | 200): DemoResponse {
  if (isCoinGeckoPath(pathname)) return jsonText(coinsStatus, COINGECKO_LIMIT_BODY);
  return jsonValue(429, { error: 'rate limited' });
}

/** Bodies the demo reads at most: search requests are small. */
const MAX_BODY_BYTES = 1024 * 1024;

/** The request body as UTF-8 text, cut at {@link MAX_BODY_BYTES}. */
async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** `true` once `ms` passed, `false` if the request was abandoned first. */
async function wait(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await delay(ms, signal);
    return true;
  } catch {
    return false;
  }
}
