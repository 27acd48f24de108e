import { parseCheckpointBody } from './checkpoint';
import { eventLeafHash } from './event-leaf';
import { CompactRange } from './merkle-hash';
import { noteKeyHash, parseSignedNote, verifyText } from './signed-note';
import type { VerifyingKey } from './signing-keys';

export interface OfflineProblem {
  kind: 'missing' | 'inserted' | 'bad_signature' | 'inconsistent_checkpoint';
  seq: number | null;
  id: string | null;
  detail: string;
}

export interface OfflineResult {
  events_checked: number;
  checkpoints_checked: number;
  tree_size: number;
  ok: boolean;
  problems: OfflineProblem[];
}

/** A signed checkpoint as verified: its body's fields, once a known key's signature over it verifies. */
interface TrustedCheckpoint {
  origin: string;
  treeSize: number;
  rootHash: Buffer;
}

/** Checks a C2SP signed note against the keys: the signature line named by the note's origin, whose key hash picks the key. */
function trustNote(note: string, keys: readonly VerifyingKey[]): TrustedCheckpoint | string {
  const parsed = parseSignedNote(note);
  if (!parsed) return 'not a signed note';
  const body = parseCheckpointBody(parsed.text);
  if (!body) return 'the note is not a checkpoint';
  for (const line of parsed.signatures.filter((signature) => signature.keyName === body.origin)) {
    const key = keys.find((candidate) => noteKeyHash(body.origin, candidate.publicKey).equals(line.keyHash));
    if (key && verifyText(parsed.text, line.signature, key.publicKey)) return body;
  }
  return 'no signature by a given key verifies';
}

/**
 * Verifies an export of a tenant's log from nothing but the exported events (each with its seq),
 * signed checkpoint notes and public keys: every note must be signed by a key, name one origin, and
 * its root must be the Merkle tree hash of the events' leaves up to its size. The export must hold
 * every event from seq 1 up to the checkpoints it is checked against.
 */
export function verifyOffline(events: readonly Record<string, unknown>[], notes: readonly string[], keys: readonly VerifyingKey[]): OfflineResult {
  const problems: OfflineProblem[] = [];
  const bySeq = new Map<number, Record<string, unknown>>();
  for (const event of events) {
    const { seq, id } = event as { seq?: unknown; id?: unknown };
    const eventId = typeof id === 'string' ? id : null;
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) {
      problems.push({ kind: 'inserted', seq: null, id: eventId, detail: 'the event is not sealed (no seq)' });
    } else if (bySeq.has(seq)) {
      problems.push({ kind: 'inserted', seq, id: eventId, detail: `a second event claims seq ${seq}` });
    } else {
      bySeq.set(seq, event);
    }
  }
  const checkpoints: TrustedCheckpoint[] = [];
  for (const note of notes) {
    const trusted = trustNote(note, keys);
    const size = parseCheckpointBody(parseSignedNote(note)?.text ?? '')?.treeSize ?? null;
    if (typeof trusted === 'string') problems.push({ kind: 'bad_signature', seq: size, id: null, detail: trusted });
    else checkpoints.push(trusted);
  }
  const origins = new Set(checkpoints.map((checkpoint) => checkpoint.origin));
  if (origins.size > 1) problems.push({ kind: 'inconsistent_checkpoint', seq: null, id: null, detail: `checkpoints of several logs: ${[...origins].join(', ')}` });

  const sizes = new Map<number, TrustedCheckpoint[]>();
  for (const checkpoint of checkpoints) sizes.set(checkpoint.treeSize, [...(sizes.get(checkpoint.treeSize) ?? []), checkpoint]);
  const largest = Math.max(0, ...checkpoints.map((checkpoint) => checkpoint.treeSize), ...bySeq.keys());
  const tree = new CompactRange();
  for (let seq = 1; seq <= largest; seq += 1) {
    const event = bySeq.get(seq);
    if (!event) {
      problems.push({ kind: 'missing', seq, id: null, detail: 'the export has no event with this seq' });
      tree.append(Buffer.alloc(32));
    } else {
      tree.append(eventLeafHash(event as { seq: number }));
    }
    for (const checkpoint of sizes.get(seq) ?? []) {
      if (!tree.root().equals(checkpoint.rootHash)) {
        problems.push({ kind: 'inconsistent_checkpoint', seq, id: null, detail: `the events up to seq ${seq} do not hash to the signed root of that size` });
      }
    }
  }
  return { events_checked: bySeq.size, checkpoints_checked: notes.length, tree_size: tree.size, ok: problems.length === 0, problems };
}
