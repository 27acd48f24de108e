import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { InvalidTaskPayloadError } from '../../domain/task-errors';
import { compileBody } from '../../platform/validation/ajv';

/**
 * What an `archive` task fixes when it is requested, so every attempt and every retry of it writes
 * the same archive: the cutoff, the snapshot boundary and the part size.
 */
export const ArchivePayloadSchema = Type.Object({
  /** Events with event_timestamp strictly before this instant are archived (RFC 3339, UTC). */
  before_date: Type.String({ format: 'date-time' }),
  /**
   * The snapshot boundary: only events received at or before this instant are archived, so an
   * event that arrives (even backdated) after the request is recognisably outside the archive.
   */
  snapshot_at: Type.String({ format: 'date-time' }),
  /** Rows per archive part; fixed per task so a resumed run cuts parts at the same rows. */
  part_max_rows: Type.Integer({ minimum: 1 }),
});
export type ArchivePayload = Static<typeof ArchivePayloadSchema>;

/** A `log_cleanup` task names the archive it deletes, never rows of its own. */
export const CleanupPayloadSchema = Type.Object({
  archive_task_id: Type.String({ format: 'uuid' }),
  manifest_key: Type.String({ minLength: 1 }),
  before_date: Type.String({ format: 'date-time' }),
});
export type CleanupPayload = Static<typeof CleanupPayloadSchema>;

/** The `result` of a succeeded archive task: the verified manifest, by key and checksum. */
export const ArchiveResultSchema = Type.Object({
  manifest_key: Type.String({ minLength: 1 }),
  manifest_sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  archived_rows: Type.Integer({ minimum: 0 }),
  archived_bytes: Type.Integer({ minimum: 0 }),
  parts: Type.Integer({ minimum: 0 }),
  log_cleanup_task_id: Type.String({ format: 'uuid' }),
});
export type ArchiveResult = Static<typeof ArchiveResultSchema>;

/** A task row whose payload or result is not what its type requires fails permanently: retrying cannot fix it. */
function parser<S extends TSchema>(schema: S, what: string) {
  const validate = compileBody(schema);
  return (taskId: string, value: unknown): Static<S> => {
    const parsed = validate(value);
    if (!parsed.ok) {
      throw new InvalidTaskPayloadError(`task ${taskId} has an invalid ${what}: ${parsed.errors.map((e) => `${e.path || '/'} ${e.message}`).join('; ')}`);
    }
    return parsed.value;
  };
}

export const parseArchivePayload = parser(ArchivePayloadSchema, 'archive payload');
export const parseCleanupPayload = parser(CleanupPayloadSchema, 'cleanup payload');
export const parseArchiveResult = parser(ArchiveResultSchema, 'archive result');
