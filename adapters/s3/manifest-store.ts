import { createHash } from 'node:crypto';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ArchiveIntegrityError, ObjectStoreError } from './errors';
import { checkManifest, parseManifest, serializeManifest, type Manifest } from './manifest';
import type { ObjectDigest } from './object-digest';
import { openObject } from './object-reader';

const sha256Hex = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Writes the manifest (a small object, one PUT) and returns the size and SHA-256 of what was sent. */
export async function putManifest(s3: S3Client, bucket: string, key: string, manifest: Manifest): Promise<ObjectDigest> {
  const body = Buffer.from(serializeManifest(manifest), 'utf8');
  try {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json' }));
  } catch (error) {
    throw new ObjectStoreError('write', key, error);
  }
  return { bytes: body.length, sha256: sha256Hex(body) };
}

/**
 * Reads a manifest back and accepts it only if its bytes hash to `expectedSha256` (the checksum
 * recorded when it was verified) and it describes this tenant's archive task consistently.
 */
export async function loadVerifiedManifest(
  s3: S3Client,
  bucket: string,
  key: string,
  expected: { sha256: string; tenantId: string; taskId: string },
): Promise<{ manifest: Manifest; digest: ObjectDigest }> {
  const body = await openObject(s3, bucket, key);
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) chunks.push(chunk);
  } catch (error) {
    throw new ObjectStoreError('read', key, error);
  }
  const bytes = Buffer.concat(chunks);
  const digest = { bytes: bytes.length, sha256: sha256Hex(bytes) };
  if (digest.sha256 !== expected.sha256) {
    throw new ArchiveIntegrityError(`manifest ${key} has SHA-256 ${digest.sha256}; the verified manifest had ${expected.sha256}`);
  }
  const manifest = parseManifest(key, bytes.toString('utf8'));
  checkManifest(manifest, { tenantId: expected.tenantId, taskId: expected.taskId });
  return { manifest, digest };
}
