import type { S3Client } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import type { ArchiveRow } from '../../domain/archive-row';
import { ArchiveIntegrityError, ObjectStoreError } from './errors';
import { openObject } from './object-reader';

function parseLine(key: string, line: string, lineNumber: number): ArchiveRow {
  try {
    return JSON.parse(line) as ArchiveRow;
  } catch {
    throw new ArchiveIntegrityError(`${key} line ${lineNumber} is not JSON`);
  }
}

/** Streams the rows of a gzip NDJSON part back out of S3, one line in memory at a time. */
export async function* readPartRows(s3: S3Client, bucket: string, key: string, signal?: AbortSignal): AsyncGenerator<ArchiveRow> {
  yield* gzipRows(key, await openObject(s3, bucket, key, signal));
}

/** The rows of a gzip NDJSON part read from `body` (named `key` in errors), one line in memory at a time. */
export async function* gzipRows(key: string, body: Readable): AsyncGenerator<ArchiveRow> {
  let lineNumber = 0;
  for await (const line of gzipLines(key, body)) yield parseLine(key, line, (lineNumber += 1));
}

/**
 * Streams the lines of a gzip NDJSON part back out of S3, each passed to `read` (named by the part's
 * key and the line's number in errors): for a reader that needs a few fields of each line, not the event.
 */
export async function* readPartLines<T>(s3: S3Client, bucket: string, key: string, read: (line: string) => T, signal?: AbortSignal): AsyncGenerator<T> {
  let lineNumber = 0;
  for await (const line of gzipLines(key, await openObject(s3, bucket, key, signal))) {
    lineNumber += 1;
    try {
      yield read(line);
    } catch (error) {
      if (error instanceof SyntaxError) throw new ArchiveIntegrityError(`${key} line ${lineNumber} is not JSON`);
      throw error;
    }
  }
}

/** The non-empty lines of a gzip NDJSON part read from `body`, one in memory at a time. */
async function* gzipLines(key: string, body: Readable): AsyncGenerator<string> {
  const gunzip = createGunzip();
  body.once('error', (error) => gunzip.destroy(new ObjectStoreError('read', key, error)));
  body.pipe(gunzip);
  const decoder = new StringDecoder('utf8');
  let pending = '';
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      const lines = (pending + decoder.write(chunk)).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line) yield line;
    }
    pending += decoder.end();
    if (pending) yield pending;
  } catch (error) {
    if (error instanceof ArchiveIntegrityError || error instanceof ObjectStoreError) throw error;
    if ((error as { code?: string }).code?.startsWith('Z_')) throw new ArchiveIntegrityError(`${key} is not valid gzip: ${(error as Error).message}`);
    throw new ObjectStoreError('read', key, error);
  } finally {
    body.unpipe(gunzip);
    body.destroy();
    gunzip.destroy();
  }
}
