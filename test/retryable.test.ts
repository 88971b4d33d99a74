import {
  AuthError,
  CoercionError,
  ConfigError,
  CrossOriginError,
  HttpClient,
  HttpStatusError,
  NetworkError,
  PaginationError,
  PaginationLoopError,
  RateLimitedError,
  ResponseBodyError,
  type RetryOptions,
  SchemaError,
  SiphonError,
  TimeoutError,
} from 'siphon-sync';
import { afterEach, describe, expect, it } from 'vitest';
import { isRetryableRunError } from '../src/runtime/run-retry.js';
import { sendJson, startServer, type TestServer } from './helpers/test-server.js';

const servers: TestServer[] = [];
const clients: HttpClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** What one request to a server that always answers `status` ends with, and how many requests it took. */
async function failWith(status: number, retry: RetryOptions): Promise<{ error: HttpStatusError; requests: number }> {
  const api = await startServer((_req, res) => sendJson(res, status, { error: 'no' }));
  servers.push(api);
  const client = new HttpClient({ retry: { base: '10ms', max: '50ms', ...retry } });
  clients.push(client);
  const error = await client.getJson(`${api.url}/items`).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(HttpStatusError);
  return { error: error as HttpStatusError, requests: api.requests.length };
}

describe('a run is retried exactly when its requests would be', () => {
  it('a 501 is retried neither as a request nor as a run', async () => {
    const { error, requests } = await failWith(501, { retries: 2 });
    expect(requests).toBe(1);
    expect(error.retryable).toBe(false);
    expect(isRetryableRunError(error)).toBe(false);
  });

  it('a 503 that outlasted the request retries leaves the run retryable', async () => {
    const { error, requests } = await failWith(503, { retries: 1 });
    expect(requests).toBe(2);
    expect(error.retryable).toBe(true);
    expect(isRetryableRunError(error)).toBe(true);
  });

  it('a source retry.statuses decides for the run too', async () => {
    const notFound = await failWith(404, { retries: 1, statuses: [404] });
    expect(notFound.requests).toBe(2);
    expect(isRetryableRunError(notFound.error)).toBe(true);
    const unavailable = await failWith(503, { retries: 1, statuses: [404] });
    expect(unavailable.requests).toBe(1);
    expect(isRetryableRunError(unavailable.error)).toBe(false);
  });
});

describe('every error says whether trying again can help', () => {
  const request = { method: 'GET', url: 'http://127.0.0.1/items' };
  const response = { status: 200, statusText: 'OK', url: request.url, headers: { 'content-type': 'text/html' } };

  it.each([
    ['ConfigError', new ConfigError('paginator.type', 'unknown')],
    ['SchemaError', new SchemaError('items', 'column id changed type')],
    ['CoercionError', new CoercionError('items', 'id', 'bigint', '"abc"', 'not a number')],
    ['AuthError', new AuthError('oauth2ClientCredentials', 'refused')],
    ['CrossOriginError', new CrossOriginError('http://a', 'http://b')],
    ['PaginationError', new PaginationError('cursor', 'bad token')],
    ['PaginationLoopError', new PaginationLoopError('cursor', 'x', 2)],
    ['ResponseBodyError', new ResponseBodyError(request, response, 'expected JSON but got HTML', '<html>')],
  ])('%s is not retryable', (_name, error) => {
    expect(error.retryable).toBe(false);
    expect(isRetryableRunError(error)).toBe(false);
  });

  it.each([
    ['NetworkError', new NetworkError(request, { code: 'ECONNRESET' })],
    ['TimeoutError', new TimeoutError(request, 30_000)],
    ['RateLimitedError', new RateLimitedError(request, response, 'status.error_code = 429')],
    ['SiphonError', new SiphonError('the rate budget was closed')],
  ])('%s is retryable', (_name, error) => {
    expect(error.retryable).toBe(true);
    expect(isRetryableRunError(error)).toBe(true);
  });

  it('an error Siphon did not raise may pass on the next run', () => {
    expect(isRetryableRunError(new Error('connection terminated unexpectedly'))).toBe(true);
  });
});
