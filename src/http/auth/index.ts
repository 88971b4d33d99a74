export { bearerAuth, type BearerAuthConfig } from './bearer.js';
export { tokenAuth, type TokenAuthConfig } from './token.js';
export { apiKeyAuth, type ApiKeyAuthConfig } from './api-key.js';
export { basicAuth, type BasicAuthConfig } from './basic.js';
export { oauth2ClientCredentialsAuth, type OAuth2ClientCredentialsAuthConfig } from './oauth2-client-credentials.js';
export { authKinds, createAuth, type AuthConfig, type AuthFactory } from './registry.js';
