/**
 * A `_bulk` request OpenSearch did not answer (unreachable, timed out, 429/503). The client's own
 * error carries the whole request body in its `meta`; logged by the worker, that would copy tenants'
 * events into the logs. This error keeps only what an operator needs, and stays retryable.
 */
export class BulkRequestError extends Error {
  override readonly name = 'BulkRequestError';
}

/** Rethrows a failed `_bulk` call as a BulkRequestError naming the cause, without its payload. */
export function withoutPayload(error: unknown): never {
  const { name, message, statusCode } = error as { name?: string; message?: string; statusCode?: number };
  const status = typeof statusCode === 'number' ? ` (HTTP ${statusCode})` : '';
  throw new BulkRequestError(`OpenSearch _bulk request failed: ${name ?? 'Error'}${status}: ${message ?? String(error)}`);
}
