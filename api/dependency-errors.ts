// The errors module alone: the package's index loads its whole API surface (issue 13).
import * as openSearchErrors from '@opensearch-project/opensearch/lib/errors.js';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE']);
// PostgreSQL SQLSTATE classes 08 (connection) and 57P (operator intervention: shutdown, crash).
const PG_UNAVAILABLE = /^(08|57P)/;
// OpenSearch answering but not serving: 503 (e.g. shards still recovering after a restart), 429 (its queues are full).
const OPENSEARCH_UNAVAILABLE_STATUSES = new Set([429, 503]);

/** OpenSearch is unreachable, timed out, or answers that it cannot serve now. */
function isOpenSearchUnavailable(error: unknown): boolean {
  if (!(error instanceof openSearchErrors.OpenSearchClientError)) return false;
  if (error instanceof openSearchErrors.ResponseError) return OPENSEARCH_UNAVAILABLE_STATUSES.has(error.statusCode);
  return error instanceof openSearchErrors.ConnectionError || error instanceof openSearchErrors.NoLivingConnectionsError || error instanceof openSearchErrors.TimeoutError;
}

/** True for errors that mean "a server we depend on is down", which the API answers with 503. */
export function isDependencyUnavailable(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  if (isOpenSearchUnavailable(error)) return true;
  const { code, message, name } = error as { code?: unknown; message?: unknown; name?: unknown };
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || PG_UNAVAILABLE.test(code))) return true;
  if (name === 'ConnectionError' || name === 'NoLivingConnectionsError') return true;
  if (typeof message === 'string' && /Connection terminated|timeout exceeded when trying to connect|Stream isn't writeable/.test(message)) return true;
  const { errors } = error as { errors?: unknown };
  return Array.isArray(errors) && errors.length > 0 && errors.every(isDependencyUnavailable);
}

/** The 503 detail for an error isDependencyUnavailable accepted: names what is down where the error says so. */
export function unavailableDetail(error: unknown): string {
  if (isOpenSearchUnavailable(error)) return 'Search is unavailable: the search engine (OpenSearch) does not answer; retry shortly.';
  return 'A required dependency is unavailable; retry shortly.';
}
