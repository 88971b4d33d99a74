import * as z from 'zod';
import type { AdminState } from '../admin-state.js';
import { exactJson } from '../exact-json.js';
import { maskedConfig } from '../masked-config.js';
import { type ApiRoute, apiRoute } from './api-route.js';

/** The resolved config with `${env:NAME}` by name and inline credentials masked. */
export function configApi(state: AdminState): ApiRoute[] {
  return [
    apiRoute({
      method: 'get',
      path: '/config',
      operationId: 'getConfig',
      summary: 'The resolved config; values from the environment as ${env:NAME}, inline credentials as ***',
      tag: 'config',
      response: { kind: 'json', schema: z.record(z.string(), z.unknown()) },
      handle: () => exactJson(maskedConfig(state.config)),
    }),
  ];
}
