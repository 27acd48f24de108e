import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Pool } from 'pg';
import type { RestoredCopies } from '../../adapters/opensearch/restored-copies';
import { restoresRepository } from '../../adapters/postgres/restores-repository';
import { withTenantTx } from '../../adapters/postgres/tenant-transaction';
import { ArchiveIntegrityError, ObjectStoreError } from '../../adapters/s3/errors';
import { loadVerifiedManifest } from '../../adapters/s3/manifest-store';
import { openObject } from '../../adapters/s3/object-reader';
import { gzipSizedRows } from '../../adapters/s3/part-reader';
import { compareKeys, type RowKey } from '../../domain/archive-row';
import type { RestorePart } from '../../domain/restore';
import { sizedBatches } from '../../domain/sized-parts';
import { EVENT_PART_BYTES } from '../../platform/memory/event-bytes-budget';
import { checkRowsAgainstSealedLog } from './sealed-rows-check';

/**
 * Copies sent to OpenSearch per `_bulk` request, at most: 1,000 rows or about EVENT_PART_BYTES of
 * their lines, whichever comes first (1,000 events at the API's limits are ~56 MB of text, and two
 * batches are in memory at once). The check against the sealed log reads in batches of the same size.
 */
const BATCH_LIMITS = { rows: 1_000, bytes: EVENT_PART_BYTES };

const NIL_UUID = '00000000-0000-0000-0000-000000000000';

export interface RestoreRange {
  restoreId: string;
  tenantId: string;
  startTime: string;
  endTime: string;
  expiresAt: string;
}

export interface RestoreRunDeps {
  pool: Pool;
  s3: S3Client;
  bucket: string;
  copies: RestoredCopies;
}

const startOf = (time: string): RowKey => ({ event_timestamp: time, id: NIL_UUID });

/** [start, end) as keys: the nil uuid sorts first, so (t, nil) is the first key at instant t. */
const inRange = (row: RowKey, range: RestoreRange) => compareKeys(row, startOf(range.startTime)) >= 0 && compareKeys(row, startOf(range.endTime)) < 0;

/** Reads a whole part (gzip, bounded by the archive's part size) and accepts it only if it is the object its manifest describes. */
async function verifiedPartBytes(deps: RestoreRunDeps, part: RestorePart, signal?: AbortSignal): Promise<Buffer> {
  const body = await openObject(deps.s3, deps.bucket, part.key, signal);
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) chunks.push(chunk);
  } catch (error) {
    throw new ObjectStoreError('read', part.key, error);
  } finally {
    body.destroy();
  }
  const bytes = Buffer.concat(chunks);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (bytes.length !== part.bytes || sha256 !== part.sha256) {
    throw new ArchiveIntegrityError(
      `archive part ${part.key} is ${bytes.length} bytes with SHA-256 ${sha256}; its manifest says ${part.bytes} bytes with SHA-256 ${part.sha256}; nothing of it was restored`,
    );
  }
  return bytes;
}

/**
 * A restore's two steps. The plan picks, from the verified manifests of the tenant's cleaned-up
 * archives, every part whose keys overlap the range, and records it once. Loading a part reads it
 * whole, checks its size and SHA-256 against the manifest and its rows against the leaves the
 * tenant's log sealed for them before a single row of it is written, then writes the copies of its rows in the range; ids are the events' own, so a part loaded again
 * after a crash overwrites itself.
 */
export function createRestoreRun(deps: RestoreRunDeps) {
  const inTenant = <T>(tenantId: string, work: (restores: ReturnType<typeof restoresRepository>) => Promise<T>) =>
    withTenantTx(deps.pool, tenantId, (tx) => work(restoresRepository(tx)));

  return {
    async plan(range: RestoreRange): Promise<RestorePart[]> {
      const { tenantId, restoreId } = range;
      const recorded = await inTenant(tenantId, (restores) => restores.plan(tenantId, restoreId));
      if (recorded.length > 0) return recorded;
      const archives = await inTenant(tenantId, (restores) => restores.archivesInRange(tenantId, range.startTime, range.endTime));
      const parts: RestorePart[] = [];
      for (const archive of archives) {
        const { manifest } = await loadVerifiedManifest(deps.s3, deps.bucket, archive.manifestKey, { sha256: archive.manifestSha256, tenantId, taskId: archive.archiveTaskId });
        for (const part of manifest.parts) {
          const overlaps = compareKeys(part.first_key, startOf(range.endTime)) < 0 && compareKeys(part.last_key, startOf(range.startTime)) >= 0;
          if (!overlaps) continue;
          parts.push({ position: parts.length + 1, archiveTaskId: archive.archiveTaskId, key: part.key, bytes: part.bytes, sha256: part.sha256, loadedRows: null });
        }
      }
      await inTenant(tenantId, (restores) => restores.savePlan(tenantId, restoreId, parts));
      return inTenant(tenantId, (restores) => restores.plan(tenantId, restoreId));
    },

    /** Loads one part's rows in the range; `onBatch` hears the rows written so far. Returns the rows loaded. */
    async loadPart(range: RestoreRange, part: RestorePart, options: { signal?: AbortSignal; onBatch?: (rows: number) => void } = {}): Promise<number> {
      const { tenantId, restoreId } = range;
      const bytes = await verifiedPartBytes(deps, part, options.signal);
      const rowsInRange = async function* () {
        for await (const sized of gzipSizedRows(part.key, Readable.from([bytes]))) {
          const row = sized.item;
          if (row.tenant_id !== tenantId) throw new ArchiveIntegrityError(`archive part ${part.key} holds event ${row.id} of another tenant`);
          if (inRange(row, range)) yield sized;
        }
      };
      await checkRowsAgainstSealedLog(deps.pool, tenantId, part.key, sizedBatches(rowsInRange(), BATCH_LIMITS));
      let loaded = 0;
      // One `_bulk` request in flight while the next batch is parsed: OpenSearch indexes while this
      // process reads, and at most two batches are ever in memory.
      let inFlight: Promise<void> = Promise.resolve();
      for await (const rows of sizedBatches(rowsInRange(), BATCH_LIMITS)) {
        await inFlight;
        inFlight = deps.copies.load(tenantId, { restoreId, expiresAt: range.expiresAt }, rows).then((written) => {
          loaded += written;
          options.onBatch?.(loaded);
        });
        // Awaited by the next batch or after the loop; this only keeps an early rejection from counting as unhandled.
        inFlight.catch(() => undefined);
      }
      await inFlight;
      await inTenant(tenantId, (restores) => restores.markPartLoaded(tenantId, restoreId, part.position, loaded));
      return loaded;
    },

    async recordRows(range: RestoreRange, rows: number): Promise<void> {
      await inTenant(range.tenantId, (restores) => restores.recordRows(range.tenantId, range.restoreId, rows));
    },
  };
}

export type RestoreRun = ReturnType<typeof createRestoreRun>;
