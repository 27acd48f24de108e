const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE']);
// PostgreSQL SQLSTATE classes 08 (connection) and 57P (operator intervention: shutdown, crash).
const PG_UNAVAILABLE = /^(08|57P)/;

/** True for errors that mean "a server we depend on is down", which the API answers with 503. */
export function isDependencyUnavailable(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const { code, message, name } = error as { code?: unknown; message?: unknown; name?: unknown };
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || PG_UNAVAILABLE.test(code))) return true;
  if (name === 'ConnectionError' || name === 'NoLivingConnectionsError') return true;
  if (typeof message === 'string' && /Connection terminated|timeout exceeded when trying to connect|Stream isn't writeable/.test(message)) return true;
  const { errors } = error as { errors?: unknown };
  return Array.isArray(errors) && errors.length > 0 && errors.every(isDependencyUnavailable);
}
