import { GetObjectCommand, NoSuchKey, type S3Client } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { ArchiveIntegrityError, ObjectStoreError } from './errors';
import { digestOf, type ObjectDigest } from './object-digest';

/** Opens an object for streaming. A missing object is an integrity failure: the archive says it exists. */
export async function openObject(s3: S3Client, bucket: string, key: string, signal?: AbortSignal): Promise<Readable> {
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
    return response.Body as Readable;
  } catch (error) {
    if (error instanceof NoSuchKey) throw new ArchiveIntegrityError(`archive object ${key} does not exist`);
    throw new ObjectStoreError('read', key, error);
  }
}

/** Reads an object back in full and returns its size and SHA-256. */
export async function readObjectDigest(s3: S3Client, bucket: string, key: string, options: { signal?: AbortSignal; onProgress?: (bytes: number) => void } = {}): Promise<ObjectDigest> {
  const body = await openObject(s3, bucket, key, options.signal);
  try {
    return await digestOf(body, options.onProgress);
  } catch (error) {
    throw new ObjectStoreError('read', key, error);
  } finally {
    body.destroy();
  }
}

export const sameDigest = (a: ObjectDigest, b: ObjectDigest) => a.bytes === b.bytes && a.sha256 === b.sha256;

export function describeMismatch(key: string, actual: ObjectDigest, expected: ObjectDigest): string {
  return `${key} reads back as ${actual.bytes} bytes with SHA-256 ${actual.sha256}; expected ${expected.bytes} bytes with SHA-256 ${expected.sha256}`;
}

/** Reads an object back and fails with an ArchiveIntegrityError unless its size and SHA-256 are the expected ones. */
export async function verifyObject(s3: S3Client, bucket: string, key: string, expected: ObjectDigest, options: { signal?: AbortSignal; onProgress?: (bytes: number) => void } = {}): Promise<void> {
  const actual = await readObjectDigest(s3, bucket, key, options);
  if (!sameDigest(actual, expected)) throw new ArchiveIntegrityError(describeMismatch(key, actual, expected));
}
