import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { keyOf, type ArchiveLine, type RowKey } from '../../domain/archive-row';
import { ObjectStoreError } from './errors';
import { DigestMeter, type ObjectDigest } from './object-digest';

export interface ObjectTarget {
  s3: S3Client;
  bucket: string;
  key: string;
}

export interface WrittenPart extends ObjectDigest {
  rows: number;
  first: RowKey;
  last: RowKey;
}

export interface PartWriteOptions {
  /** Aborts the part (activity cancelled or timed out): the upload is abandoned, nothing completes. */
  signal?: AbortSignal;
  /** Called after each row is queued, e.g. to heartbeat progress. */
  onRow?: (rowsSoFar: number, last: RowKey) => void;
}

// The uploader holds at most UPLOAD_CONCURRENCY parts of UPLOAD_PART_BYTES in memory, whatever the object's size.
const UPLOAD_PART_BYTES = 5 * 1024 * 1024;
const UPLOAD_CONCURRENCY = 1;
// Lines are handed to gzip in chunks of about this size rather than one write per row.
const CHUNK_CHARS = 64 * 1024;

const isAbort = (error: unknown) => (error as { name?: string } | undefined)?.name === 'AbortError';

/**
 * Streams lines as gzip NDJSON into one object through the SDK's multipart uploader, hashing the
 * compressed bytes on their way out. Memory stays flat however many rows. Writes nothing and
 * returns undefined when `rows` is empty.
 */
export async function writeNdjsonGzipPart(target: ObjectTarget, rows: AsyncIterable<ArchiveLine>, options: PartWriteOptions = {}): Promise<WrittenPart | undefined> {
  const iterator = rows[Symbol.asyncIterator]();
  const head = await iterator.next();
  if (head.done) return undefined;

  let count = 0;
  const first = keyOf(head.value);
  let last = first;
  async function* chunks() {
    let next = head;
    let buffered: string[] = [];
    let bufferedChars = 0;
    try {
      while (!next.done) {
        const line = `${next.value.line}\n`;
        count += 1;
        last = keyOf(next.value);
        options.onRow?.(count, last);
        buffered.push(line);
        bufferedChars += line.length;
        if (bufferedChars >= CHUNK_CHARS) {
          yield buffered.join('');
          buffered = [];
          bufferedChars = 0;
        }
        next = await iterator.next();
      }
      if (buffered.length > 0) yield buffered.join('');
    } finally {
      if (!next.done) await iterator.return?.();
    }
  }

  const stop = new AbortController();
  const abort = () => stop.abort();
  options.signal?.addEventListener('abort', abort, { once: true });
  const meter = new DigestMeter();
  const upload = new Upload({
    client: target.s3,
    params: { Bucket: target.bucket, Key: target.key, Body: meter, ContentType: 'application/gzip' },
    partSize: UPLOAD_PART_BYTES,
    queueSize: UPLOAD_CONCURRENCY,
  });
  const uploading = upload.done();
  // A failed upload stops reading; stop producing too instead of waiting on backpressure.
  uploading.catch(abort);
  const piping = pipeline(Readable.from(chunks()), createGzip(), meter, { signal: stop.signal });
  const [piped, uploaded] = await Promise.allSettled([piping, uploading]);
  options.signal?.removeEventListener('abort', abort);

  if (options.signal?.aborted) throw options.signal.reason ?? new Error(`writing ${target.key} was aborted`);
  if (piped.status === 'rejected' && !isAbort(piped.reason)) throw piped.reason;
  if (uploaded.status === 'rejected') throw new ObjectStoreError('upload', target.key, uploaded.reason);
  if (piped.status === 'rejected') throw piped.reason;
  return { rows: count, first, last, ...meter.digest() };
}
