import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { RowKey } from '../../domain/archive-row';
import { ObjectStoreError } from './errors';
import { DigestMeter, type ObjectDigest } from './object-digest';
import { LineTally } from './line-tally';

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
  /** Called as lines pass, about every `progressEvery` lines, with the count so far and the last line's key, e.g. to heartbeat. */
  onProgress?: (linesSoFar: number, last: RowKey) => void;
  progressEvery?: number;
}

// The uploader holds at most UPLOAD_CONCURRENCY parts of UPLOAD_PART_BYTES in memory, whatever the object's size.
const UPLOAD_PART_BYTES = 5 * 1024 * 1024;
const UPLOAD_CONCURRENCY = 1;

const isAbort = (error: unknown) => (error as { name?: string } | undefined)?.name === 'AbortError';

/**
 * Streams NDJSON bytes (whole lines, e.g. a COPY's) as gzip into one object through the SDK's
 * multipart uploader, hashing the compressed bytes on their way out and counting the lines as
 * they pass; `keyOfLine` names the first and last line's rows. Memory stays flat however many
 * lines. Writes nothing and returns undefined when `lines` holds none.
 */
export async function writeNdjsonGzipPart(
  target: ObjectTarget,
  lines: Readable,
  keyOfLine: (line: string) => RowKey,
  options: PartWriteOptions = {},
): Promise<WrittenPart | undefined> {
  const tally = new LineTally();
  const iterator = lines[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let head = await iterator.next();
  while (!head.done && head.value.length === 0) head = await iterator.next();
  if (head.done) return undefined;

  const progressEvery = options.progressEvery ?? 1000;
  async function* counted() {
    let next = head;
    let reported = 0;
    try {
      while (!next.done) {
        tally.push(next.value);
        if (options.onProgress && tally.lines - reported >= progressEvery) {
          reported = tally.lines;
          options.onProgress(tally.lines, keyOfLine(tally.last() as string));
        }
        yield next.value;
        next = await iterator.next();
      }
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
  const piping = pipeline(Readable.from(counted()), createGzip(), meter, { signal: stop.signal });
  const [piped, uploaded] = await Promise.allSettled([piping, uploading]);
  options.signal?.removeEventListener('abort', abort);

  if (options.signal?.aborted) throw options.signal.reason ?? new Error(`writing ${target.key} was aborted`);
  if (piped.status === 'rejected' && !isAbort(piped.reason)) throw piped.reason;
  if (uploaded.status === 'rejected') throw new ObjectStoreError('upload', target.key, uploaded.reason);
  if (piped.status === 'rejected') throw piped.reason;
  if (tally.trailingBytes > 0) throw new Error(`${target.key}: the lines' source ended inside a line`);
  return { rows: tally.lines, first: keyOfLine(tally.first() as string), last: keyOfLine(tally.last() as string), ...meter.digest() };
}
