/**
 * A `_bulk` request OpenSearch did not carry out. The client's own error carries the whole request
 * body in its `meta`; logged by the worker, that would copy tenants' events into the logs. This error
 * keeps only what an operator needs, and says whether it is an outage (`transient`: unreachable,
 * timed out, 429, 5xx) that waiting out will heal, or a refusal (another 4xx) that it will not.
 */
export class BulkRequestError extends Error {
  override readonly name = 'BulkRequestError';
  readonly transient: boolean;

  constructor(message: string, options: { transient: boolean }) {
    super(message);
    this.transient = options.transient;
  }
}

/** No status: the request never got an answer (connection refused or reset, timeout, no living node). */
const isTransientStatus = (status: number | undefined) => status === undefined || status === 429 || status >= 500;

/** Rethrows a failed `_bulk` call as a BulkRequestError naming the cause, without its payload. */
export function withoutPayload(error: unknown): never {
  const { name, message, statusCode } = error as { name?: string; message?: string; statusCode?: number };
  const status = typeof statusCode === 'number' ? statusCode : undefined;
  const shown = status === undefined ? '' : ` (HTTP ${status})`;
  const transient = isTransientStatus(status) && name !== 'SerializationError' && name !== 'DeserializationError';
  throw new BulkRequestError(`OpenSearch _bulk request failed: ${name ?? 'Error'}${shown}: ${message ?? String(error)}`, { transient });
}
