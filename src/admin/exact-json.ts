import { stringifyJson } from '../util/exact-json.js';

/**
 * A JSON response written with exact numbers: bigints and decimal digits
 * come out with every digit, where `JSON.stringify` would throw or round.
 */
export function exactJson(value: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(stringifyJson(value), { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } });
}
