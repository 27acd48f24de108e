/** Events one ingest transaction wrote, in order, and the characters of their JSON (null when its task predates the count). */
export interface SizedBatch {
  ids: readonly string[];
  bytes: number | null;
}

/** One part: its ids, and the characters of event JSON they are estimated to hold. */
export interface SizedPart {
  ids: string[];
  bytes: number;
}

export interface PartLimits {
  rows: number;
  /** Characters of event JSON one part may hold, estimated from its batches' sizes. */
  bytes: number;
}

/**
 * The batches' ids, in order and without repeats, cut into parts of at most `limits.rows` ids and
 * about `limits.bytes` characters: what a reader holds in memory at once. A batch's size is spread
 * evenly over its events, so a batch larger than a part is split across several; however uneven its
 * events, a part holds no more than the whole batch, and a batch is one request (at most 5 MiB in
 * bulk) or one group of single events. Every part has at least one id. A batch without a size (a
 * task older than the count) weighs nothing: such parts are cut by rows alone, as before.
 *
 * Without this, parts were cut by count only: 2,000 events at the API's limit of 64 KiB each are
 * 125 MB of text, and a worker with a 128 MB heap died reading them.
 */
export function sizedParts(batches: readonly SizedBatch[], limits: PartLimits): SizedPart[] {
  const parts: SizedPart[] = [];
  const seen = new Set<string>();
  let part: string[] = [];
  let partBytes = 0;
  for (const { ids, bytes } of batches) {
    const each = bytes === null || ids.length === 0 ? 0 : bytes / ids.length;
    for (const id of ids) {
      if (seen.has(id)) continue;
      seen.add(id);
      if (part.length > 0 && (part.length >= limits.rows || partBytes + each > limits.bytes)) {
        parts.push({ ids: part, bytes: partBytes });
        [part, partBytes] = [[], 0];
      }
      part.push(id);
      partBytes += each;
    }
  }
  if (part.length > 0) parts.push({ ids: part, bytes: partBytes });
  return parts;
}

/**
 * A stream of items with their sizes, gathered into batches of at most `limits.rows` items and
 * about `limits.bytes` (a batch closes before the item that would take it past the size; an item
 * larger than that is a batch alone). For readers that learn each item's size only as it arrives,
 * such as the lines of an archive part.
 */
export async function* sizedBatches<T>(items: AsyncIterable<{ item: T; bytes: number }>, limits: PartLimits): AsyncGenerator<T[]> {
  let batch: T[] = [];
  let batchBytes = 0;
  for await (const { item, bytes } of items) {
    if (batch.length > 0 && (batch.length >= limits.rows || batchBytes + bytes > limits.bytes)) {
      yield batch;
      [batch, batchBytes] = [[], 0];
    }
    batch.push(item);
    batchBytes += bytes;
  }
  if (batch.length > 0) yield batch;
}
