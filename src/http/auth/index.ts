export { type ApiKeyAuthConfig, apiKeyAuth, apiKeyAuthSchema } from './api-key.js';
export { type BasicAuthConfig, basicAuth, basicAuthSchema } from './basic.js';
export { type BearerAuthConfig, bearerAuth, bearerAuthSchema } from './bearer.js';
export {
  type OAuth2ClientCredentialsAuthConfig,
  oauth2ClientCredentialsAuth,
  oauth2ClientCredentialsAuthSchema,
} from './oauth2-client-credentials.js';
export { type AuthConfig, type AuthFactory, type AuthKind, authKinds, createAuth } from './registry.js';
export { type TokenAuthConfig, tokenAuth, tokenAuthSchema } from './token.js';
