/** A thrown value as an `Error`, so anything caught can be reported and stored with a message. */
export function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
