import type { OptionShape } from '../../util/strict-options.js';
import type { Auth } from '../types.js';
import { authOptions, checkedAuthConfig, headerValueProblem, httpTokenProblem, optionalChoice, requiredString } from './config-fields.js';

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

/** The options of {@link apiKeyAuth}, as `createAuth` and the config file check them. */
export const apiKeyAuthSchema = authOptions('apiKey', {
  in: optionalChoice(['header', 'query']),
  name: requiredString(),
  value: requiredString(),
} satisfies OptionShape<Omit<ApiKeyAuthConfig, 'type'>>).superRefine(
  (config, ctx) => {
    // A query parameter takes any name and value (the URL encodes them); a header does not.
    if ((config.in ?? 'header') !== 'header') return;
    const name = typeof config.name === 'string' && config.name.trim() !== '' ? httpTokenProblem(config.name) : undefined;
    if (name !== undefined) ctx.addIssue({ code: 'custom', path: ['name'], message: name });
    const value = typeof config.value === 'string' ? headerValueProblem(config.value) : undefined;
    if (value !== undefined) ctx.addIssue({ code: 'custom', path: ['value'], message: value });
  },
  // Also when other fields have problems, so that every one is reported at once.
  { when: (payload) => payload.value !== null && typeof payload.value === 'object' },
);

/** Sets header `name` or query parameter `name` to the key. */
export function apiKeyAuth(config: ApiKeyAuthConfig, path = 'auth'): Auth {
  const { in: where = 'header', name, value } = checkedAuthConfig(apiKeyAuthSchema, config, path);
  return {
    kind: 'apiKey',
    secretNames: [name],
    secretValues: [value],
    apply(request) {
      if (where === 'header') request.headers.set(name, value);
      // `set`, not `append`: a key already in the configured URL must not travel twice.
      else request.url.searchParams.set(name, value);
    },
  };
}
