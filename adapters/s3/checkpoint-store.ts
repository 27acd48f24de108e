import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ObjectStoreError } from './errors';

/** `tenants/<tenant>/checkpoints/<tree size, 20 digits>.txt`: the signed notes of a tenant sort by size. */
export function checkpointKey(tenantId: string, treeSize: number): string {
  return `tenants/${tenantId}/checkpoints/${String(treeSize).padStart(20, '0')}.txt`;
}

export interface CheckpointStore {
  put(tenantId: string, treeSize: number, note: string): Promise<void>;
}

/** Writes each signed checkpoint note to the archive bucket beside the tenant's archives; a rewrite of the same size writes the same bytes. */
export function createCheckpointStore(s3: S3Client, bucket: string): CheckpointStore {
  return {
    async put(tenantId, treeSize, note) {
      const key = checkpointKey(tenantId, treeSize);
      try {
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.from(note, 'utf8'), ContentType: 'text/plain; charset=utf-8' }));
      } catch (error) {
        throw new ObjectStoreError('write', key, error);
      }
    },
  };
}
