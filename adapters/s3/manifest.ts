import { Type, type Static } from '@sinclair/typebox';
import type { ArchivePartRecord } from '../../domain/archive-row';
import { compileBody } from '../../platform/validation/ajv';
import { compareKeys, type RowKey } from '../../domain/archive-row';
import { ArchiveIntegrityError } from './errors';

export const MANIFEST_FORMAT = 'audit-log-archive/1';

const RowKeySchema = Type.Object({ event_timestamp: Type.String(), id: Type.String({ format: 'uuid' }) }, { additionalProperties: false });
const Sha256 = Type.String({ pattern: '^[0-9a-f]{64}$' });

const ManifestPartSchema = Type.Object(
  {
    part_number: Type.Integer({ minimum: 1 }),
    key: Type.String({ minLength: 1 }),
    rows: Type.Integer({ minimum: 1 }),
    bytes: Type.Integer({ minimum: 1 }),
    sha256: Sha256,
    first_key: RowKeySchema,
    last_key: RowKeySchema,
  },
  { additionalProperties: false },
);

/** What an archive holds, written last and verified by its own SHA-256 (kept on the archive task). */
export const ManifestSchema = Type.Object(
  {
    format: Type.Literal(MANIFEST_FORMAT),
    tenant_id: Type.String({ format: 'uuid' }),
    task_id: Type.String({ format: 'uuid' }),
    /** Events with event_timestamp before this instant… */
    before_date: Type.String({ format: 'date-time' }),
    /** …and received_at at or before this one: an event received later is not in the archive. */
    snapshot_at: Type.String({ format: 'date-time' }),
    created_at: Type.String({ format: 'date-time' }),
    total_rows: Type.Integer({ minimum: 0 }),
    total_bytes: Type.Integer({ minimum: 0 }),
    first_key: Type.Union([RowKeySchema, Type.Null()]),
    last_key: Type.Union([RowKeySchema, Type.Null()]),
    parts: Type.Array(ManifestPartSchema),
  },
  { additionalProperties: false },
);
export type Manifest = Static<typeof ManifestSchema>;
export type ManifestPart = Static<typeof ManifestPartSchema>;

export interface ManifestInput {
  tenantId: string;
  taskId: string;
  beforeDate: string;
  snapshotAt: string;
  createdAt: Date;
  parts: readonly ArchivePartRecord[];
}

export function buildManifest(input: ManifestInput): Manifest {
  const parts = input.parts.map(
    (part): ManifestPart => ({ part_number: part.partNumber, key: part.key, rows: part.rows, bytes: part.bytes, sha256: part.sha256, first_key: part.first, last_key: part.last }),
  );
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    tenant_id: input.tenantId,
    task_id: input.taskId,
    before_date: input.beforeDate,
    snapshot_at: input.snapshotAt,
    created_at: input.createdAt.toISOString(),
    total_rows: parts.reduce((sum, part) => sum + part.rows, 0),
    total_bytes: parts.reduce((sum, part) => sum + part.bytes, 0),
    first_key: parts[0]?.first_key ?? null,
    last_key: parts.at(-1)?.last_key ?? null,
    parts,
  };
  checkManifest(manifest, { tenantId: input.tenantId, taskId: input.taskId });
  return manifest;
}

export const serializeManifest = (manifest: Manifest) => `${JSON.stringify(manifest, null, 2)}\n`;

const validateManifest = compileBody(ManifestSchema);

export function parseManifest(key: string, text: string): Manifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ArchiveIntegrityError(`manifest ${key} is not JSON`);
  }
  const parsed = validateManifest(value);
  if (!parsed.ok) throw new ArchiveIntegrityError(`manifest ${key} is malformed: ${parsed.errors.map((e) => `${e.path || '/'} ${e.message}`).join('; ')}`);
  return parsed.value;
}

const after = (a: RowKey, b: RowKey) => compareKeys(a, b) > 0;

/**
 * The manifest belongs to this tenant and task, its parts are numbered 1..n, each part's keys
 * ascend from where the previous part ended, and the totals add up.
 */
export function checkManifest(manifest: Manifest, expected: { tenantId: string; taskId: string }): void {
  const fail = (problem: string) => {
    throw new ArchiveIntegrityError(`manifest of archive task ${manifest.task_id}: ${problem}`);
  };
  if (manifest.tenant_id !== expected.tenantId) fail(`names tenant ${manifest.tenant_id}, expected ${expected.tenantId}`);
  if (manifest.task_id !== expected.taskId) fail(`names task ${manifest.task_id}, expected ${expected.taskId}`);
  let previous: RowKey | null = null;
  manifest.parts.forEach((part, index) => {
    if (part.part_number !== index + 1) fail(`part ${index + 1} is numbered ${part.part_number}`);
    if (after(part.first_key, part.last_key)) fail(`part ${part.part_number} ends before it starts`);
    if (previous && !after(part.first_key, previous)) fail(`part ${part.part_number} overlaps the part before it`);
    previous = part.last_key;
  });
  if (manifest.total_rows !== manifest.parts.reduce((sum, part) => sum + part.rows, 0)) fail('total_rows is not the sum of its parts');
  if (manifest.total_bytes !== manifest.parts.reduce((sum, part) => sum + part.bytes, 0)) fail('total_bytes is not the sum of its parts');
  const [first, last] = [manifest.parts[0]?.first_key ?? null, manifest.parts.at(-1)?.last_key ?? null];
  if (JSON.stringify(first) !== JSON.stringify(manifest.first_key) || JSON.stringify(last) !== JSON.stringify(manifest.last_key)) fail('first_key/last_key do not match its parts');
}
