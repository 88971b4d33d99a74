import type { Auth } from '../types.js';
import { assertHeaderValue, assertHttpToken, oneOf, requireString } from './config-fields.js';

/** An API key in a header of the API's choosing (`X-API-Key`) or in a query parameter (`api_key`). */
export interface ApiKeyAuthConfig {
  type: 'apiKey';
  /**
   * Where the key travels.
   * @default 'header'
   */
  in?: 'header' | 'query';
  /** Header or query parameter name. */
  name: string;
  value: string;
}

/** Sets header `name` or query parameter `name` to the key. */
export function apiKeyAuth(config: ApiKeyAuthConfig, path = 'auth'): Auth {
  const where = oneOf(config, 'in', path, ['header', 'query'] as const, 'header');
  const name = requireString(config, 'name', path);
  const value = requireString(config, 'value', path);
  if (where === 'header') {
    assertHttpToken(name, `${path}.name`);
    assertHeaderValue(value, `${path}.value`);
  }
  return {
    kind: 'apiKey',
    secretNames: [name],
    apply(request) {
      if (where === 'header') request.headers.set(name, value);
      // `set`, not `append`: a key already in the configured URL must not travel twice.
      else request.url.searchParams.set(name, value);
    },
  };
}
