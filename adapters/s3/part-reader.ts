import type { S3Client } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import type { ArchiveRow } from '../../domain/archive-row';
import { ArchiveIntegrityError, ObjectStoreError } from './errors';
import { openObject } from './object-reader';

const parseRow = (line: string) => JSON.parse(line) as ArchiveRow;

/** Streams the rows of a gzip NDJSON part back out of S3, one line in memory at a time. */
export function readPartRows(s3: S3Client, bucket: string, key: string, signal?: AbortSignal): AsyncGenerator<ArchiveRow> {
  return readPartLines(s3, bucket, key, parseRow, signal);
}

/**
 * The rows of a gzip NDJSON part read from `body` (named `key` in errors), one line in memory at a
 * time, each with its line's length: for readers that batch rows by the text they hold.
 */
export function gzipSizedRows(key: string, body: Readable): AsyncGenerator<{ item: ArchiveRow; bytes: number }> {
  return gzipRecords(key, body, (line) => ({ item: parseRow(line), bytes: line.length }));
}

/** readPartRows with each row's line length: for readers that batch rows by the text they hold. */
export function readSizedPartRows(s3: S3Client, bucket: string, key: string, signal?: AbortSignal): AsyncGenerator<{ item: ArchiveRow; bytes: number }> {
  return readPartLines(s3, bucket, key, (line) => ({ item: parseRow(line), bytes: line.length }), signal);
}

/**
 * Streams the lines of a gzip NDJSON part back out of S3, each passed to `read`: for a reader that
 * needs a few fields of each line, not the event.
 */
export async function* readPartLines<T>(s3: S3Client, bucket: string, key: string, read: (line: string) => T, signal?: AbortSignal): AsyncGenerator<T> {
  yield* gzipRecords(key, await openObject(s3, bucket, key, signal), read);
}

/** Each line of a gzip NDJSON part passed to `read`; a line `read` cannot parse is named by the part's key and its number. */
async function* gzipRecords<T>(key: string, body: Readable, read: (line: string) => T): AsyncGenerator<T> {
  let lineNumber = 0;
  for await (const line of gzipLines(key, body)) {
    lineNumber += 1;
    let record: T;
    try {
      record = read(line);
    } catch (error) {
      if (error instanceof SyntaxError) throw new ArchiveIntegrityError(`${key} line ${lineNumber} is not JSON`);
      throw error;
    }
    yield record;
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
