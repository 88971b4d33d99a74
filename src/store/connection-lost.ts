/** Socket errors that mean the database could not be reached, or the connection to it broke. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/**
 * SQLSTATEs of a server going away or not there yet: 57P01 admin_shutdown,
 * 57P02 crash_shutdown, 57P03 cannot_connect_now (starting up or shutting
 * down), and class 08, connection exceptions.
 */
const SERVER_CODES = new Set(['57P01', '57P02', '57P03']);

/** What pg says when a connection ends under a query; it gives these no code. */
const DRIVER_MESSAGES = [
  'Connection terminated unexpectedly',
  'Connection terminated due to connection timeout',
  'Client has encountered a connection error and is not queryable',
];

/**
 * Whether `error` (or one of its causes) says the connection to the database
 * was lost or refused, so the same statement may succeed on a new one: the
 * server restarted, failed over, or was briefly unreachable. A closed store
 * ("Client was closed") is not one: nothing would reconnect it.
 */
export function isConnectionLost(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 10; current = current.cause, depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (SOCKET_CODES.has(code) || SERVER_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
    if (DRIVER_MESSAGES.some((message) => current instanceof Error && current.message.startsWith(message))) return true;
    // Node's connect() to a host with several addresses reports each failure inside one AggregateError.
    if (current instanceof AggregateError && current.errors.some((inner) => isConnectionLost(inner))) return true;
  }
  return false;
}
