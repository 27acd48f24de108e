import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { RowKey } from '../../domain/archive-row';
import { encodeRows, type ExportFormat } from './export-formats';
import type { ExportRow } from './export-rows';

const gzipText = promisify(gzip);

/** S3's smallest part but the last: a part is cut at the first member boundary past it. */
const PART_MIN_BYTES = 5 * 1024 * 1024;
/** Text per gzip member. Each member restarts deflate's 32 KiB window, so 1 MiB costs no measurable ratio. */
const MEMBER_CHARS = 1024 * 1024;

/** One part of an export object: whole gzip members of whole rows. */
export interface ExportPart {
  body: Buffer;
  rows: number;
  /** The key of the part's last row; null for the one part of an export with no rows. */
  last: RowKey | null;
}

export interface ExportPartsOptions {
  format: ExportFormat;
  /** The first part of an object: it carries the CSV header, and is written even when no row matched. */
  first: boolean;
  /** Rows taken from the source so far. */
  onRows?: (rows: number) => void;
}

interface Member {
  body: Buffer;
  rows: number;
  last: RowKey | null;
}

// Rows arrive with the key's timestamp appended as their last cell (exportRowsRepository's withKey).
const keyOfRow = (row: ExportRow): RowKey => ({ event_timestamp: row[row.length - 1] as string, id: row[0] as string });
const charsOf = (row: ExportRow) => row.reduce((sum, cell) => sum + (cell?.length ?? 0), 0);

/**
 * Cuts keyed export rows into the parts of a multipart upload. Each part is a run of complete gzip
 * members (a file of concatenated members is one valid gzip stream), each member the encoded text
 * of whole rows, and where members and parts end depends only on the rows, never on timing. So a
 * resumed export that starts a new part after the last stored part's last row writes exactly the
 * parts an uninterrupted run would have, and the object's bytes are the same. One member is being
 * compressed (on libuv's thread pool) while the next is read; at most one part is held.
 */
export async function* exportParts(rows: AsyncIterable<ExportRow>, options: ExportPartsOptions): AsyncGenerator<ExportPart> {
  let header = options.first;
  let group: ExportRow[] = [];
  let groupChars = 0;
  let taken = 0;
  let part: Member[] = [];
  let partBytes = 0;
  let compressing: Promise<Member> | undefined;

  const compress = (): Promise<Member> => {
    const rowsOf = group;
    const text = encodeRows(options.format, options.format === 'csv' ? rowsOf.map((row) => row.slice(0, -1)) : rowsOf, header);
    const last = rowsOf.length > 0 ? keyOfRow(rowsOf[rowsOf.length - 1] as ExportRow) : null;
    header = false;
    group = [];
    groupChars = 0;
    const member = gzipText(text).then((body) => ({ body, rows: rowsOf.length, last }));
    // Awaited below, but possibly after it settles: keep Node from calling an early rejection unhandled.
    member.catch(() => undefined);
    return member;
  };
  const cut = (): ExportPart => {
    const body = Buffer.concat(part.map((member) => member.body));
    const rowCount = part.reduce((sum, member) => sum + member.rows, 0);
    const last = part.reduce<RowKey | null>((key, member) => member.last ?? key, null);
    part = [];
    partBytes = 0;
    return { body, rows: rowCount, last };
  };
  /** Adds the member being compressed to the part; true when the part is now big enough to cut. */
  const settle = async (): Promise<boolean> => {
    if (!compressing) return false;
    const member = await compressing;
    compressing = undefined;
    part.push(member);
    partBytes += member.body.length;
    return partBytes >= PART_MIN_BYTES;
  };

  for await (const row of rows) {
    group.push(row);
    groupChars += charsOf(row);
    taken += 1;
    if (groupChars < MEMBER_CHARS) continue;
    options.onRows?.(taken);
    const full = await settle();
    compressing = compress();
    if (full) yield cut();
  }
  options.onRows?.(taken);
  if (group.length > 0 || (options.first && taken === 0)) {
    if (await settle()) yield cut();
    compressing = compress();
  }
  await settle();
  if (part.length > 0) yield cut();
}
