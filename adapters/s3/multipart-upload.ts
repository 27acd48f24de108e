import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  NoSuchUpload,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { ObjectStoreError } from './errors';
import type { ObjectTarget } from './part-writer';

export interface StoredPart {
  partNumber: number;
  etag: string;
}

const isNoSuchUpload = (error: unknown) => error instanceof NoSuchUpload || (error as { name?: string })?.name === 'NoSuchUpload';

/**
 * One multipart upload driven part by part, so that its id and stored parts can be recorded and a
 * later process can continue it (the SDK's Upload helper cannot resume).
 */
export function multipartUpload(target: ObjectTarget) {
  const { s3, bucket, key } = target;
  const send = async <T>(action: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw new ObjectStoreError(action, key, error);
    }
  };

  return {
    async create(contentType: string, contentDisposition?: string): Promise<string> {
      const response = await send('multipart upload start', () =>
        s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: contentType, ...(contentDisposition ? { ContentDisposition: contentDisposition } : {}) })),
      );
      if (!response.UploadId) throw new ObjectStoreError('multipart upload start', key, new Error('no upload id in the answer'));
      return response.UploadId;
    },

    async uploadPart(uploadId: string, partNumber: number, body: Buffer, signal?: AbortSignal): Promise<string> {
      const response = await send(`part ${partNumber} upload`, () =>
        s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: partNumber, Body: body, ContentLength: body.length }), { abortSignal: signal }),
      );
      if (!response.ETag) throw new ObjectStoreError(`part ${partNumber} upload`, key, new Error('no ETag in the answer'));
      return response.ETag;
    },

    /** The parts S3 holds for an unfinished upload, or undefined once it no longer exists (completed or aborted). */
    async listParts(uploadId: string): Promise<StoredPart[] | undefined> {
      const parts: StoredPart[] = [];
      let marker: string | undefined;
      try {
        for (;;) {
          const page = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumberMarker: marker }));
          for (const part of page.Parts ?? []) if (part.PartNumber && part.ETag) parts.push({ partNumber: part.PartNumber, etag: part.ETag });
          if (!page.IsTruncated) return parts;
          marker = page.NextPartNumberMarker;
        }
      } catch (error) {
        if (isNoSuchUpload(error)) return undefined;
        throw new ObjectStoreError('part listing', key, error);
      }
    },

    async complete(uploadId: string, parts: readonly StoredPart[]): Promise<void> {
      await send('multipart upload completion', () =>
        s3.send(
          new CompleteMultipartUploadCommand({
            Bucket: bucket,
            Key: key,
            UploadId: uploadId,
            MultipartUpload: { Parts: parts.map((part) => ({ PartNumber: part.partNumber, ETag: part.etag })) },
          }),
        ),
      );
    },

    /** Whether the object itself exists (an upload that is gone was completed, or aborted). */
    async objectExists(): Promise<boolean> {
      try {
        await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return true;
      } catch (error) {
        if ((error as { name?: string })?.name === 'NotFound') return false;
        throw new ObjectStoreError('existence check', key, error);
      }
    },

    async abort(uploadId: string): Promise<void> {
      await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId })).catch((error: unknown) => {
        if (!isNoSuchUpload(error)) throw new ObjectStoreError('multipart upload abort', key, error);
      });
    },
  };
}

/**
 * Aborts every unfinished multipart upload under exactly `key` except `keep`: what a killed writer
 * left behind before it could record its upload, so those parts neither linger (they are billed)
 * nor complete into a second copy.
 */
export async function abortUnfinishedUploads(s3: S3Client, bucket: string, key: string, keep?: string): Promise<number> {
  let aborted = 0;
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (;;) {
    const page = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: key, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }));
    for (const upload of page.Uploads ?? []) {
      if (upload.Key !== key || !upload.UploadId || upload.UploadId === keep) continue;
      await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: upload.UploadId }));
      aborted += 1;
    }
    if (!page.IsTruncated) return aborted;
    keyMarker = page.NextKeyMarker;
    uploadIdMarker = page.NextUploadIdMarker;
  }
}

export interface UnfinishedUpload {
  key: string;
  uploadId: string;
  initiated: Date;
}

/** Every unfinished multipart upload whose key starts with `prefix`, a page at a time. */
export async function* unfinishedUploadsUnder(s3: S3Client, bucket: string, prefix: string): AsyncGenerator<UnfinishedUpload> {
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (;;) {
    const page = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }));
    for (const upload of page.Uploads ?? []) {
      if (upload.Key && upload.UploadId && upload.Initiated) yield { key: upload.Key, uploadId: upload.UploadId, initiated: upload.Initiated };
    }
    if (!page.IsTruncated) return;
    keyMarker = page.NextKeyMarker;
    uploadIdMarker = page.NextUploadIdMarker;
  }
}
