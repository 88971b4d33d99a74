import { Buffer, isUtf8 } from 'node:buffer';
import type { Dispatcher, Response } from 'undici';
import { NetworkError } from '../errors/network-error.js';
import { ResponseTooLargeError } from '../errors/response-too-large-error.js';
import type { RequestSummary } from '../errors/siphon-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import type { OutgoingRequest } from './types.js';
import { loadUndici } from './undici-module.js';

/** One HTTP exchange with its body read in full. */
export interface RawResponse {
  readonly status: number;
  readonly statusText: string;
  readonly url: string;
  readonly headers: Headers;
  readonly text: string;
  /** The body held bytes that are not UTF-8; `text` has U+FFFD in their place. */
  readonly invalidUtf8: boolean;
}

export interface SendOptions {
  readonly timeoutMs: number;
  /** Decoded body bytes read at most; past it the request fails with a {@link ResponseTooLargeError}. */
  readonly maxBytes: number;
  readonly signal?: AbortSignal | undefined;
  readonly dispatcher?: Dispatcher | undefined;
  readonly summary: RequestSummary;
  /** The attempt this is (1-based), for the error. */
  readonly attempt: number;
  /** Set on the client's last attempt: how its retries ended, for the error's message. */
  readonly retryNote?: string | undefined;
}

/**
 * Sends `request` once and reads the whole body, so a stall or a cut in the
 * middle of the body counts against the same timeout and surfaces as a
 * retryable {@link NetworkError} / {@link TimeoutError}. Redirects are not
 * followed here: the client follows them itself to keep credentials on their
 * origin.
 */
export async function sendOnce(request: OutgoingRequest, options: SendOptions): Promise<RawResponse> {
  const { timeoutMs, signal, summary, attempt, retryNote } = options;
  signal?.throwIfAborted();
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error('timeout'));
  }, timeoutMs);
  const onAbort = (): void => controller.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  let stage = 'connect';
  try {
    const { fetch } = await loadUndici();
    const response = await fetch(request.url, {
      method: request.method,
      headers: Object.fromEntries(request.headers),
      body: request.body ?? null,
      redirect: 'manual',
      signal: controller.signal,
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    });
    stage = 'body';
    const { text, invalidUtf8 } = await readText(response, options.maxBytes, summary, attempt);
    return {
      status: response.status,
      statusText: response.statusText,
      url: response.url || request.url.toString(),
      headers: response.headers as unknown as Headers,
      text,
      invalidUtf8,
    };
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    if (error instanceof ResponseTooLargeError) throw error;
    if (timedOut) throw new TimeoutError(summary, timeoutMs, { cause: error, attempt, retryNote });
    const code = systemCode(error);
    const note = stage === 'body' ? 'response body cut short' : undefined;
    throw new NetworkError(summary, { cause: error, attempt, retryNote, ...(code ? { code } : {}), ...(note ? { note } : {}) });
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * The body as text, counting decoded bytes as they arrive (undici inflates
 * gzip, deflate and brotli on the way): a small compressed body that inflates
 * past `maxBytes` is cut off there, never held in memory whole. The bytes are
 * decoded once, at the end, into one flat string: decoding each chunk as it
 * came (and again strictly, to tell bad bytes) cost two decodes and a string
 * the parser had to copy once more to flatten.
 */
async function readText(
  response: Response,
  maxBytes: number,
  summary: RequestSummary,
  attempt: number,
): Promise<{ text: string; invalidUtf8: boolean }> {
  if (response.body === null) return { text: '', invalidUtf8: false };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new ResponseTooLargeError(summary, maxBytes, { attempt });
    }
    chunks.push(value);
  }
  const bytes = chunks.length === 1 ? (chunks[0] as Uint8Array) : Buffer.concat(chunks, total);
  // The decoder puts U+FFFD for bad bytes, but U+FFFD may also be in the data: the bytes themselves tell.
  return { text: new TextDecoder().decode(bytes), invalidUtf8: !isUtf8(bytes) };
}

/** Digs the errno-style code out of undici's `TypeError: fetch failed` chain. */
function systemCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
