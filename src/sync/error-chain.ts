import type { JsonValue } from '../util/json.js';

/** One error of a chain as a run's timeline keeps it: what the admin shows under "why it failed". */
export interface ErrorLink {
  readonly name: string;
  readonly message: string;
  /** The HTTP status, when the error came with a response. */
  readonly status?: number;
  /** The request's method and URL, redacted at the source. */
  readonly request?: string;
  readonly attempt?: number;
}

/** Causes followed at most; a cycle or a very deep wrap stops here. */
const MAX_DEPTH = 8;

/**
 * The error and its causes, outermost first. Siphon's errors carry redacted
 * URLs and messages already, so nothing here adds a secret that was not in
 * the message.
 */
export function errorChain(error: unknown): ErrorLink[] {
  const chain: ErrorLink[] = [];
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current !== undefined && current !== null && !seen.has(current) && chain.length < MAX_DEPTH) {
    seen.add(current);
    chain.push(link(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return chain;
}

function link(error: unknown): ErrorLink {
  if (!(error instanceof Error)) return { name: typeof error, message: String(error) };
  const extra = error as { response?: { status?: unknown }; request?: { method?: unknown; url?: unknown }; attempt?: unknown };
  return {
    name: error.name,
    message: error.message,
    ...(typeof extra.response?.status === 'number' ? { status: extra.response.status } : {}),
    ...(typeof extra.request?.url === 'string' ? { request: `${String(extra.request.method ?? 'GET')} ${extra.request.url}` } : {}),
    ...(typeof extra.attempt === 'number' ? { attempt: extra.attempt } : {}),
  };
}

/** The chain as JSON for the run's timeline. */
export function errorChainJson(error: unknown): JsonValue {
  return errorChain(error).map((item) => ({ ...item }));
}
