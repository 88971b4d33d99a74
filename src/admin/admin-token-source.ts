import { generateAdminToken } from './admin-token.js';

/** The environment variable holding the admin token. */
export const ADMIN_TOKEN_ENV = 'SIPHON_ADMIN_TOKEN';

export interface AdminTokenSource {
  readonly token: string;
  /** `false`: generated for this process (and printed), so it only guards a loopback admin. */
  readonly configured: boolean;
}

/** `SIPHON_ADMIN_TOKEN` when set (at least 16 characters), else a fresh random token. */
export function adminTokenFrom(env: Readonly<Record<string, string | undefined>> = process.env): AdminTokenSource {
  const configured = env[ADMIN_TOKEN_ENV]?.trim();
  if (configured) return { token: configured, configured: true };
  return { token: generateAdminToken(), configured: false };
}
