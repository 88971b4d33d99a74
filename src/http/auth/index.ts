export { type ApiKeyAuthConfig, apiKeyAuth } from './api-key.js';
export { type BasicAuthConfig, basicAuth } from './basic.js';
export { type BearerAuthConfig, bearerAuth } from './bearer.js';
export { type OAuth2ClientCredentialsAuthConfig, oauth2ClientCredentialsAuth } from './oauth2-client-credentials.js';
export { type AuthConfig, type AuthFactory, authKinds, createAuth } from './registry.js';
export { type TokenAuthConfig, tokenAuth } from './token.js';
