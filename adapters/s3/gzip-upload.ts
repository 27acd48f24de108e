import { AbortMultipartUploadCommand, ListMultipartUploadsCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createGzip, type Gzip } from 'node:zlib';
import { ObjectStoreError } from './errors';
import { DigestMeter, type ObjectDigest } from './object-digest';
import type { ObjectTarget } from './part-writer';

// The uploader holds at most QUEUE_SIZE parts of PART_BYTES in memory, whatever the object's size.
const PART_BYTES = 5 * 1024 * 1024;
const QUEUE_SIZE = 1;

export interface GzipUpload {
  /** Write plain bytes here (as the last stage of a pipeline); they are compressed and uploaded. */
  input: Gzip;
  /** Resolves with the compressed object's size and SHA-256 once the object is complete in the bucket. */
  done(): Promise<ObjectDigest>;
  /** Abandons the upload: its multipart upload is aborted and nothing is completed under the key. */
  abort(): Promise<void>;
}

/**
 * Compresses what is written to `input` into one object through the SDK's multipart uploader,
 * hashing the compressed bytes on their way out. Memory stays flat however many bytes pass.
 */
export function startGzipUpload(target: ObjectTarget, contentDisposition?: string): GzipUpload {
  const input = createGzip();
  const meter = new DigestMeter();
  input.pipe(meter);
  input.on('error', (error) => meter.destroy(error));
  const upload = new Upload({
    client: target.s3,
    params: { Bucket: target.bucket, Key: target.key, Body: meter, ContentType: 'application/gzip', ...(contentDisposition ? { ContentDisposition: contentDisposition } : {}) },
    partSize: PART_BYTES,
    queueSize: QUEUE_SIZE,
  });
  const uploading = upload.done();
  // A failed upload stops reading: fail the writer too instead of leaving it on backpressure.
  uploading.catch((error: unknown) => input.destroy(new ObjectStoreError('upload', target.key, error)));
  return {
    input,
    async done() {
      try {
        await uploading;
      } catch (error) {
        throw new ObjectStoreError('upload', target.key, error);
      }
      return meter.digest();
    },
    async abort() {
      await upload.abort().catch(() => undefined);
      await uploading.catch(() => undefined);
    },
  };
}

/**
 * Aborts every unfinished multipart upload under exactly `key`: what a killed writer left behind,
 * so its parts neither linger (they are billed) nor complete into a second copy.
 */
export async function abortUnfinishedUploads(s3: S3Client, bucket: string, key: string): Promise<number> {
  let aborted = 0;
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (;;) {
    const page = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: key, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }));
    for (const upload of page.Uploads ?? []) {
      if (upload.Key !== key || !upload.UploadId) continue;
      await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: upload.UploadId }));
      aborted += 1;
    }
    if (!page.IsTruncated) return aborted;
    keyMarker = page.NextKeyMarker;
    uploadIdMarker = page.NextUploadIdMarker;
  }
}
