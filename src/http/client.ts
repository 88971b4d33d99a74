import type { Dispatcher } from 'undici';
import { CrossOriginError } from '../errors/cross-origin-error.js';
import { HttpStatusError } from '../errors/http-status-error.js';
import { NetworkError } from '../errors/network-error.js';
import { RateLimitWaitError } from '../errors/rate-limit-wait-error.js';
import { RateLimitedError } from '../errors/rate-limited-error.js';
import { ResponseBodyError } from '../errors/response-body-error.js';
import { type RequestSummary, type ResponseSummary, SiphonError } from '../errors/siphon-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import { delay } from '../util/delay.js';
import { JsonDepthError, type NumberMode, parseJson } from '../util/exact-json.js';
import { redactUrl, snippet } from '../util/redact.js';
import type { SecretValues } from '../util/secret-values.js';
import { type ClientEvent, type HttpClientOptions, type ResolvedClientOptions, resolveClientOptions } from './client-options.js';
import { parseRateLimitHeaders } from './rate-limit-headers.js';
import type { ResponseActionMatcher } from './response-actions.js';
import { backoffDelay, type RetryPolicy } from './retry-policy.js';
import { type RawResponse, sendOnce } from './send-once.js';
import type { Auth, AuthContext, JsonResponse, OutgoingRequest, RateBudget, ServerRateInfo } from './types.js';
import { loadUndici } from './undici-module.js';

/** Headers that carry credentials and never follow a link to another origin. */
const CREDENTIAL_HEADER = /^(authorization|proxy-authorization|cookie)$|api[-_]?key|token|secret/i;

const REDIRECT = new Set([301, 302, 303, 307, 308]);

/** Waits longer than this are announced (a `wait` event) before they start. */
const ANNOUNCED_WAIT_MS = 5000;

/** A request body, already encoded. */
export interface RequestBody {
  /** `application/json`, `application/x-www-form-urlencoded`. */
  readonly contentType: string;
  readonly text: string;
}

export interface GetJsonInit {
  /**
   * The method; a redirect turns it into GET as HTTP says (303, and 301/302 after a POST), 307/308 keep it and the body.
   * @default 'GET'
   */
  readonly method?: 'GET' | 'POST' | 'PUT' | undefined;
  /** Sent with every attempt of the request, the same bytes each time. */
  readonly body?: RequestBody | undefined;
  /** Rules on status and body tried before the default handling (see {@link ResponseActionMatcher}). */
  readonly responseActions?: readonly ResponseActionMatcher[] | undefined;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly signal?: AbortSignal | undefined;
  /** This request's events (its retries, waits, warnings), besides the client's `onEvent`, which hears every request's. */
  readonly onEvent?: ((event: ClientEvent) => void) | undefined;
}

/**
 * A JSON-over-HTTP client for one source: it applies the source's auth on
 * the source's origin only, stays inside the source's rate budget, and
 * retries what can be retried, waiting as long as the server asks.
 */
export class HttpClient {
  /** The source's budget; share the client (or this budget) to share the limit. */
  readonly budget: RateBudget;
  readonly #auth: Auth | undefined;
  readonly #headers: Readonly<Record<string, string>>;
  readonly #policy: RetryPolicy;
  readonly #timeoutMs: number;
  readonly #crossOrigin: 'strip' | 'refuse';
  readonly #maxRedirects: number;
  readonly #maxResponseSize: number;
  readonly #numbers: NumberMode;
  readonly #limitedWhen: ResolvedClientOptions['rateLimitedWhen'];
  /** The caller's dispatcher, or the keep-alive agent this client makes with its first request. */
  #dispatcher: Dispatcher | Promise<Dispatcher> | undefined;
  readonly #ownsDispatcher: boolean;
  readonly #onEvent: ((event: ClientEvent) => void) | undefined;
  readonly #secretNames: readonly string[];
  readonly #configSecrets: SecretValues;
  #secrets: { readonly from: readonly string[] | undefined; readonly values: SecretValues } | undefined;
  #origin: string | undefined;
  /** The server said its window is used up until `until` (epoch ms); `by` is the redacted URL that said so. */
  #exhausted: { readonly until: number; readonly by: string } | undefined;

  constructor(options: HttpClientOptions = {}) {
    const resolved = resolveClientOptions(options);
    this.#auth = resolved.auth;
    this.#headers = resolved.headers;
    this.#policy = resolved.retry;
    this.#timeoutMs = resolved.timeoutMs;
    this.#crossOrigin = resolved.crossOrigin;
    this.#maxRedirects = resolved.maxRedirects;
    this.#maxResponseSize = resolved.maxResponseSize;
    this.#numbers = resolved.numbers;
    this.#limitedWhen = resolved.rateLimitedWhen;
    this.budget = resolved.budget;
    this.#ownsDispatcher = resolved.dispatcher === undefined;
    this.#dispatcher = resolved.dispatcher;
    this.#onEvent = resolved.onEvent;
    this.#secretNames = this.#auth?.secretNames ?? [];
    this.#configSecrets = resolved.secrets;
    this.#origin = resolved.origin;
  }

  /** How this client parses the numbers of a JSON body (the `numbers` option). */
  get numbers(): NumberMode {
    return this.#numbers;
  }

  /** The origin credentials are sent to. */
  get origin(): string | undefined {
    return this.#origin;
  }

  /** `url` with user info and secret query values masked, for messages and logs. */
  redact(url: string | URL): string {
    const secrets = this.secrets;
    let parsed: URL;
    try {
      parsed = new URL(String(url));
    } catch {
      return redactUrl(url);
    }
    // A parameter carrying a secret is masked whatever its name (`appid`).
    const named = [...this.#secretNames];
    for (const [name, value] of parsed.searchParams) if (secrets.occursIn(value)) named.push(name);
    return secrets.mask(redactUrl(parsed, named));
  }

  /**
   * `url` without the credentials it may carry (user info, the auth's query
   * parameter, parameters holding a secret), for what is stored: a checkpoint
   * or a page token. The client adds the auth back when the URL is requested.
   */
  withoutSecrets(url: string): string {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return url;
    }
    const secrets = this.secrets;
    const names = new Set(this.#secretNames.map((name) => name.toLowerCase()));
    parsed.username = '';
    parsed.password = '';
    for (const [name, value] of [...parsed.searchParams]) {
      if (names.has(name.toLowerCase()) || secrets.occursIn(value)) parsed.searchParams.delete(name);
    }
    return parsed.toString();
  }

  /** Every secret this client knows: the `secrets` option and what the auth sends now. */
  get secrets(): SecretValues {
    const from = this.#auth?.secretValues;
    if (this.#secrets === undefined || this.#secrets.from !== from) {
      this.#secrets = { from, values: this.#configSecrets.with(from ?? []) };
    }
    return this.#secrets.values;
  }

  /** The start of a body for an error message, with every secret it echoes masked. */
  #bodySnippet(text: string): string {
    return snippet(this.secrets.mask(text));
  }

  /**
   * GETs `target` (or sends `init.method` with `init.body`) and parses the
   * JSON body, retrying transient failures. Throws a {@link SiphonError}
   * subclass naming the redacted URL.
   */
  async getJson(target: string | URL, init: GetJsonInit = {}): Promise<JsonResponse> {
    const { signal } = init;
    let method: string = init.method ?? 'GET';
    let body = init.body;
    const emit = (event: ClientEvent): void => {
      this.#onEvent?.(event);
      init.onEvent?.(event);
    };
    let url = new URL(String(target));
    this.#origin ??= url.origin;
    let attempt = 0;
    let waitedMs = 0;
    let redirects = 0;
    let reauthorized = false;
    for (;;) {
      attempt += 1;
      this.#checkExhausted(method, url, emit);
      const throttled = await this.budget.acquire(signal);
      if (throttled > 0) {
        waitedMs += throttled;
        emit({ type: 'throttle', waitMs: throttled, url: this.redact(url) });
      }
      let request: OutgoingRequest;
      try {
        request = await this.#prepare(method, url, body, init.headers, signal);
      } catch (error) {
        this.budget.settle?.(); // the grant's request never left
        throw error;
      }
      const summary: RequestSummary = { method: request.method, url: this.redact(request.url) };
      const outOfRetries = attempt > this.#policy.retries ? `gave up after ${attempt} attempts` : undefined;
      let outcome: RawResponse | NetworkError | TimeoutError;
      try {
        outcome = await sendOnce(request, {
          timeoutMs: this.#timeoutMs,
          maxBytes: this.#maxResponseSize,
          signal,
          dispatcher: await this.#agent(),
          summary,
          attempt,
          retryNote: outOfRetries,
        });
      } catch (error) {
        if (!(error instanceof NetworkError || error instanceof TimeoutError)) throw error;
        outcome = error;
      } finally {
        this.budget.settle?.();
      }
      if (outcome instanceof SiphonError) {
        if (outOfRetries !== undefined) throw outcome;
        waitedMs += await this.#waitBeforeRetry(describeFailure(outcome), undefined, attempt, url, signal, emit);
        continue;
      }
      const raw = outcome;
      if (raw.invalidUtf8) {
        const at = this.redact(raw.url);
        const message = `the body of ${at} (HTTP ${raw.status}) is not valid UTF-8; its bad bytes read as U+FFFD`;
        emit({ type: 'warning', code: 'invalid-utf8', message, url: at });
      }
      const info = parseRateLimitHeaders(raw.headers);
      this.#noteExhausted(info, raw.url);
      await this.budget.observe(info);
      const response = this.#summarize(raw);
      if (REDIRECT.has(raw.status) && raw.headers.get('location')) {
        redirects += 1;
        if (redirects > this.#maxRedirects) {
          const note = `more than ${this.#maxRedirects} redirects`;
          throw new HttpStatusError(summary, response, '', { attempt, note, retryable: false });
        }
        url = new URL(raw.headers.get('location') as string, raw.url);
        // RFC 9110 15.4: 303 asks for a GET; 301/302 after a POST are followed with a GET by every client; 307/308 repeat the request.
        if (raw.status === 303 ? method !== 'HEAD' : (raw.status === 301 || raw.status === 302) && method === 'POST') {
          method = 'GET';
          body = undefined;
        }
        attempt -= 1; // following a redirect is not a retry
        continue;
      }
      if (raw.status === 401 && !reauthorized && this.#auth?.onUnauthorized && request.url.origin === this.#origin) {
        reauthorized = true;
        if (await this.#auth.onUnauthorized(this.#authContext(signal))) {
          attempt -= 1;
          continue;
        }
      }
      const announced = announcedWaitMs(info);
      // Why this attempt is the last, decided before its error is built.
      const retryNote =
        outOfRetries ??
        (announced !== undefined && announced > this.#policy.maxMs
          ? `the server asks to wait ${Math.ceil(announced / 1000)} s, more than retry.max ${this.#policy.maxMs / 1000} s`
          : undefined);
      let failure: SiphonError;
      let reason: string;
      const action = init.responseActions?.find((rule) => rule.matches(raw.status, raw.text, () => this.#lenientBody(raw.text)));
      if (action?.action === 'ignore') {
        emit({ type: 'ignored', status: raw.status, rule: action.rule, url: response.url });
        return {
          ...response,
          headers: raw.headers,
          url: raw.url,
          body: null,
          text: raw.text,
          attempts: attempt,
          waitedMs,
          rateLimit: info,
          ignored: action.rule,
        };
      }
      const ruleNote = action && `responseActions: ${action.rule}`;
      if (action?.action === 'fail') {
        throw new HttpStatusError(summary, response, this.#bodySnippet(raw.text), { attempt, retryable: false, note: ruleNote });
      }
      if (action?.action === 'retry') {
        failure = new HttpStatusError(summary, response, this.#bodySnippet(raw.text), {
          attempt,
          retryable: true,
          retryNote,
          note: ruleNote,
        });
        reason = `HTTP ${raw.status}, ${action.rule} (responseActions)`;
      } else if (raw.status >= 200 && raw.status < 300) {
        const body = this.#parseBody(raw, summary, response, attempt);
        const limited = this.#limitedSignal(body);
        if (!limited)
          return { ...response, headers: raw.headers, url: raw.url, body, text: raw.text, attempts: attempt, waitedMs, rateLimit: info };
        failure = new RateLimitedError(summary, response, limited, { attempt, retryNote });
        reason = 'rate limited (body)';
      } else if (this.#policy.statuses.has(raw.status)) {
        failure = new HttpStatusError(summary, response, this.#bodySnippet(raw.text), { attempt, retryable: true, retryNote });
        reason = `HTTP ${raw.status}`;
      } else {
        // Not a status this source retries: a run retry would get the same answer.
        throw new HttpStatusError(summary, response, this.#bodySnippet(raw.text), { attempt, retryable: false });
      }
      if (retryNote !== undefined) throw failure;
      waitedMs += await this.#waitBeforeRetry(reason, announced, attempt, url, signal, emit);
    }
  }

  /** Closes the keep-alive connections the client opened. */
  async close(): Promise<void> {
    const steps: Promise<unknown>[] = [];
    if (this.#ownsDispatcher && this.#dispatcher !== undefined)
      steps.push(Promise.resolve(this.#dispatcher).then((agent) => agent.close()));
    if (this.budget.close) steps.push(this.budget.close());
    await Promise.allSettled(steps);
  }

  /** Remembers a window the server says is used up, which the budget will wait out before the next grant. */
  #noteExhausted(info: ServerRateInfo, url: string): void {
    if (info.remaining === 0 && info.resetAt !== undefined && info.resetAt > Date.now()) {
      this.#exhausted = { until: Math.max(info.resetAt, this.#exhausted?.until ?? 0), by: this.redact(url) };
    }
  }

  /**
   * Before a request waits out a used-up window: fails when the wait is
   * longer than `retry.max` (a reset a year away must not hold the run, and
   * its lease, silently), and announces it when it is longer than 5 s.
   */
  #checkExhausted(method: string, url: URL, emit: (event: ClientEvent) => void): void {
    const exhausted = this.#exhausted;
    if (exhausted === undefined) return;
    const waitMs = exhausted.until - Date.now();
    if (waitMs <= 0) {
      this.#exhausted = undefined;
      return;
    }
    const request = { method, url: this.redact(url) };
    if (waitMs > this.#policy.maxMs) throw new RateLimitWaitError(request, waitMs, this.#policy.maxMs, exhausted.by);
    if (waitMs > ANNOUNCED_WAIT_MS) {
      emit({ type: 'wait', waitMs, reason: `rate limit used up (announced by ${exhausted.by})`, url: request.url });
    }
  }

  /** Waits before the next attempt, as long as the server asked (pausing the whole source) or a jittered backoff. */
  async #waitBeforeRetry(
    reason: string,
    announced: number | undefined,
    attempt: number,
    url: URL,
    signal: AbortSignal | undefined,
    emit: (event: ClientEvent) => void,
  ): Promise<number> {
    if (announced !== undefined && announced > 0) {
      // The server spoke for the whole source: every request of it waits, not
      // only this one; the next acquire() serves out the pause.
      await this.budget.pauseUntil(Date.now() + announced);
      emit({ type: 'retry', attempt, waitMs: announced, reason, announced: true, url: this.redact(url) });
      return 0;
    }
    let waitMs = backoffDelay(this.#policy, attempt);
    // `Retry-After: 0` on a refusal would otherwise allow an instant retry storm.
    if (announced === 0) waitMs = Math.max(waitMs, this.#policy.baseMs);
    emit({ type: 'retry', attempt, waitMs, reason, announced: false, url: this.redact(url) });
    await delay(waitMs, signal);
    return waitMs;
  }

  async #prepare(
    method: string,
    url: URL,
    body: RequestBody | undefined,
    extra: Readonly<Record<string, string>> | undefined,
    signal: AbortSignal | undefined,
  ): Promise<OutgoingRequest> {
    const headers = new Headers({ accept: 'application/json', 'user-agent': 'siphon', ...this.#headers, ...extra });
    if (body !== undefined) headers.set('content-type', body.contentType);
    const request: OutgoingRequest = { method, url: new URL(url), headers, body: body?.text };
    if (url.origin === this.#origin) {
      await this.#auth?.apply(request, this.#authContext(signal));
      return request;
    }
    const secrets = this.secrets;
    // A body is not stripped like a header: one that carries a secret does not leave for another origin at all.
    if (this.#crossOrigin === 'refuse' || (body !== undefined && secrets.occursIn(body.text))) {
      throw new CrossOriginError(this.#origin ?? '', this.redact(url));
    }
    const secret = new Set(this.#secretNames.map((name) => name.toLowerCase()));
    for (const [name, value] of [...headers]) {
      if (CREDENTIAL_HEADER.test(name) || secret.has(name) || secrets.occursIn(value)) headers.delete(name);
    }
    // A next link or redirect may repeat the source's query; its secrets stay home too.
    for (const [name, value] of [...request.url.searchParams]) {
      if (secret.has(name.toLowerCase()) || secrets.occursIn(value)) request.url.searchParams.delete(name);
    }
    return request;
  }

  #authContext(signal: AbortSignal | undefined): AuthContext {
    const fetchWithAgent = (async (input: string | URL, init?: RequestInit) => {
      const [{ fetch }, dispatcher] = await Promise.all([loadUndici(), this.#agent()]);
      return fetch(input, { ...(init as object), dispatcher } as Parameters<typeof fetch>[1]);
    }) as unknown as typeof fetch;
    return { signal: signal ?? new AbortController().signal, fetch: fetchWithAgent };
  }

  /** The dispatcher requests go through; the client's own agent is made (and undici loaded) on first use. */
  #agent(): Promise<Dispatcher> {
    this.#dispatcher ??= loadUndici().then(({ Agent }) => new Agent({ keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000 }));
    return Promise.resolve(this.#dispatcher);
  }

  #summarize(raw: RawResponse): ResponseSummary {
    const headers: Record<string, string> = {};
    for (const [name, value] of raw.headers) headers[name] = value;
    return { status: raw.status, statusText: raw.statusText, url: this.redact(raw.url), headers };
  }

  #parseBody(raw: RawResponse, summary: RequestSummary, response: ResponseSummary, attempt: number): unknown {
    const text = raw.text;
    if (text.trim() === '') return null;
    const contentType = raw.headers.get('content-type') ?? '';
    if (/html/i.test(contentType) || /^\s*</.test(text)) {
      throw new ResponseBodyError(summary, response, 'expected JSON but got HTML', this.#bodySnippet(text), { attempt });
    }
    try {
      return parseJson(text, this.#numbers);
    } catch (error) {
      if (error instanceof JsonDepthError) {
        const reason = `JSON body is nested deeper than ${error.limit} levels, more than Siphon walks`;
        throw new ResponseBodyError(summary, response, reason, this.#bodySnippet(text), { attempt, cause: error });
      }
      const reason = /^\s*[[{]/.test(text) ? 'JSON body is malformed or truncated' : 'expected JSON but got text';
      throw new ResponseBodyError(summary, response, reason, this.#bodySnippet(text), { attempt, cause: error });
    }
  }

  /** The body for a response action's `path`: `undefined` when it is not JSON (an HTML 404 page). */
  #lenientBody(text: string): unknown {
    try {
      return text.trim() === '' ? null : parseJson(text, this.#numbers);
    } catch {
      return undefined;
    }
  }

  #limitedSignal(body: unknown): string | undefined {
    if (!this.#limitedWhen) return undefined;
    const value = this.#limitedWhen.path.get(body);
    // Compare loosely on text so `429` matches `"429"` and a bigint 429.
    if (value === undefined || String(value) !== String(this.#limitedWhen.equals)) return undefined;
    return `${this.#limitedWhen.path.source} = ${String(value)}`;
  }
}

/** How long the server asked to be left alone: `Retry-After`, or the reset of an exhausted window. */
function announcedWaitMs(info: ServerRateInfo): number | undefined {
  if (info.retryAfterMs !== undefined) return info.retryAfterMs;
  if (info.remaining === 0 && info.resetAt !== undefined) return Math.max(0, info.resetAt - Date.now());
  return undefined;
}

/** The reason of a retry event for a failure without a response. */
function describeFailure(failure: NetworkError | TimeoutError): string {
  return failure instanceof TimeoutError ? 'timeout' : (failure.code ?? 'network error');
}
