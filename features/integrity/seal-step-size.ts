import type { UnsealedBatch } from '../../adapters/postgres/integrity-repository';
import { EVENT_PART_BYTES } from '../../platform/memory/event-bytes-budget';
import { READ_AHEAD } from './append-leaves';

/**
 * Events read per query: PostgreSQL reads the next part while this process hashes one (smaller
 * parts cost a query each: 250 events per part sealed 3.5 times slower than 2,500). Bounded in
 * characters too: 2,500 events at the API's 64 KiB limit would be 160 MB of column texts.
 */
export const READ_PART_LIMITS = { rows: 2500, bytes: EVENT_PART_BYTES };
/** Event text a step holds at once, at most: the part it hashes and the one read ahead. */
export const STEP_HOLDS_AT_MOST = READ_AHEAD * READ_PART_LIMITS.bytes;
export const EVENTS_PER_STEP = 25_000;
/** Batches' event text in all (null: one of them predates the count) and the most one of their events weighs. */
interface Weight {
  bytes: number | null;
  perEvent: number;
}

/** What a step holds at most of batches that weigh `bytes` in all, `perEvent` at most per event (null: a size unknown). */
function holds(bytes: number | null, perEvent: number): number {
  if (bytes === null) return STEP_HOLDS_AT_MOST;
  const part = Math.min(READ_PART_LIMITS.bytes, READ_PART_LIMITS.rows * perEvent);
  return Math.ceil(Math.min(STEP_HOLDS_AT_MOST, bytes, READ_AHEAD * part));
}

/** Adds one batch to a running weight: its bytes, and the most any event of them weighs. */
function weigh(weight: Weight, batch: UnsealedBatch): Weight {
  if (weight.bytes === null || batch.bytes === null) return { bytes: null, perEvent: weight.perEvent };
  return { bytes: weight.bytes + batch.bytes, perEvent: batch.events > 0 ? Math.max(weight.perEvent, batch.bytes / batch.events) : weight.perEvent };
}

const NOTHING: Weight = { bytes: 0, perEvent: 0 };

/**
 * Event text a step over these batches holds at most: the parts it reads, at most READ_AHEAD at once,
 * each of at most READ_PART_LIMITS (a part spreads its batch's size over the batch's events, as
 * sizedParts does); a batch that predates the count of its size weighs the most a step may hold.
 */
export function stepHolds(batches: readonly UnsealedBatch[]): number {
  const { bytes, perEvent } = batches.reduce(weigh, NOTHING);
  return holds(bytes, perEvent);
}

/**
 * The first batches whose events add up to the step's size and whose text fits `share`: at least
 * one batch when it fits, none when even the first does not (it committed after the share was
 * weighed; the next step weighs it).
 */
export function takeBatches(batches: readonly UnsealedBatch[], share: number): UnsealedBatch[] {
  const taken: UnsealedBatch[] = [];
  let events = 0;
  let weight = NOTHING;
  for (const batch of batches) {
    if (taken.length > 0 && events + batch.events > EVENTS_PER_STEP) break;
    const next = weigh(weight, batch);
    if (holds(next.bytes, next.perEvent) > share) break;
    taken.push(batch);
    events += batch.events;
    weight = next;
  }
  return taken;
}
