/**
 * An archive is not what was recorded: a checksum, size, count or key does not match, or a part
 * holds a row it must not. Nothing may be deleted on its strength, and retrying cannot repair it.
 */
export class ArchiveIntegrityError extends Error {
  override readonly name = 'ArchiveIntegrityError';
}

/** The object store failed or is unreachable; retryable, and named so the task's error says where. */
export class ObjectStoreError extends Error {
  override readonly name = 'ObjectStoreError';
  constructor(action: string, key: string, cause: unknown) {
    super(`S3 ${action} of ${key} failed: ${describe(cause)}`, { cause });
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const text = error.message || error.name;
  const nested = error instanceof AggregateError && error.errors.length > 0 ? describe(error.errors[0]) : undefined;
  return [typeof code === 'string' && !text.includes(code) ? code : undefined, text, nested && !text.includes(nested) ? nested : undefined].filter(Boolean).join(': ');
}

/**
 * A part just written reads back differently. Retryable: the part is not recorded yet, so the next
 * attempt rewrites it under the same key.
 */
export class PartReadBackError extends Error {
  override readonly name = 'PartReadBackError';
}
