/** Query parameter names whose values are treated as secrets in any URL Siphon prints. */
const SECRET_PARAM =
  /(^|[_-])(key|api[_-]?key|apikey|token|access[_-]?token|secret|client[_-]?secret|password|passwd|pwd|signature|sig|auth|authorization|session|code)$/i;

/**
 * Returns `url` fit for an error message or a log line: user info removed and
 * the values of secret-looking query parameters (plus any named in `extra`)
 * replaced by `***`.
 */
export function redactUrl(url: string | URL, extra: Iterable<string> = []): string {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    return '<invalid URL>';
  }
  const named = new Set([...extra].map((name) => name.toLowerCase()));
  if (parsed.username || parsed.password) {
    parsed.username = '';
    parsed.password = '';
  }
  for (const name of new Set(parsed.searchParams.keys())) {
    if (SECRET_PARAM.test(name) || named.has(name.toLowerCase())) {
      parsed.searchParams.set(name, '***');
    }
  }
  // URLSearchParams escapes the asterisks; unescape them for readability.
  return parsed.toString().replaceAll('%2A%2A%2A', '***');
}

/** Header names whose values are never printed. */
const SECRET_HEADER = /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|api-key|x-auth-token)$|(key|token|secret)/i;

/** Copies `headers`, replacing the values of credential headers by `***`. */
export function redactHeaders(headers: Record<string, string>, extra: Iterable<string> = []): Record<string, string> {
  const named = new Set([...extra].map((name) => name.toLowerCase()));
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = SECRET_HEADER.test(name) || named.has(name.toLowerCase()) ? '***' : value;
  }
  return out;
}

/** The first `max` characters of a body, on one line, for error messages. */
export function snippet(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
