import { checkpointOrigin, formatCheckpointBody, parseCheckpointBody } from './checkpoint';
import { formatSignedNote, noteKeyHash, signText, verifyText } from './signed-note';
import type { SigningKey, VerifyingKey } from './signing-keys';

/** A checkpoint as the API returns it (api.md, "Integrity"). */
export interface SignedCheckpoint {
  origin: string;
  tree_size: number;
  /** Base64 of the 32-byte root hash. */
  root_hash: string;
  body: string;
  /** Base64 of the 64-byte Ed25519 signature over `body`. */
  signature: string;
  key_id: string;
  /** The C2SP signed note: body, blank line, signature line (key name = origin). */
  note: string;
}

export function signCheckpoint(serviceOrigin: string, tenantId: string, treeSize: number, rootHash: Buffer, key: SigningKey): SignedCheckpoint {
  const origin = checkpointOrigin(serviceOrigin, tenantId);
  const body = formatCheckpointBody({ origin, treeSize, rootHash });
  const signature = signText(body, key.privateKey);
  return {
    origin,
    tree_size: treeSize,
    root_hash: rootHash.toString('base64'),
    body,
    signature: signature.toString('base64'),
    key_id: key.kid,
    note: formatSignedNote(body, [{ keyName: origin, keyHash: noteKeyHash(origin, key.publicKey), signature }]),
  };
}

export type CheckpointFault = 'bad_signature' | 'inconsistent_checkpoint';

/**
 * What is wrong with a stored checkpoint, if anything: a signature that no known key makes over its
 * body is `bad_signature`; a body whose origin, size or root disagrees with the checkpoint's own
 * fields (e.g. a validly signed body copied from another size) is `inconsistent_checkpoint`.
 */
export function checkpointFault(checkpoint: Omit<SignedCheckpoint, 'note'>, keys: readonly VerifyingKey[]): { kind: CheckpointFault; detail: string } | undefined {
  const key = keys.find((candidate) => candidate.kid === checkpoint.key_id);
  if (!key) return { kind: 'bad_signature', detail: `signed with unknown key ${checkpoint.key_id}` };
  if (!verifyText(checkpoint.body, Buffer.from(checkpoint.signature, 'base64'), key.publicKey)) return { kind: 'bad_signature', detail: `signature does not verify with key ${key.kid}` };
  const parsed = parseCheckpointBody(checkpoint.body);
  if (!parsed) return { kind: 'inconsistent_checkpoint', detail: 'body is not a checkpoint' };
  if (parsed.origin !== checkpoint.origin || parsed.treeSize !== checkpoint.tree_size || parsed.rootHash.toString('base64') !== checkpoint.root_hash) {
    return { kind: 'inconsistent_checkpoint', detail: `signed body says size ${parsed.treeSize} root ${parsed.rootHash.toString('base64')}, the record says size ${checkpoint.tree_size} root ${checkpoint.root_hash}` };
  }
  return undefined;
}
