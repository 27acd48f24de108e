import { createHash, sign, verify, type KeyObject } from 'node:crypto';
import { rawPublicKey } from './signing-keys';

/**
 * C2SP signed-note with Ed25519 signatures. A signature line is `— <key name> <base64(key hash ‖
 * signature)>`, the key hash being the first 4 bytes of SHA-256(key name ‖ "\n" ‖ 0x01 ‖ public key),
 * and the signature is over the note's text (here the checkpoint body) exactly.
 */
const ED25519_ALGORITHM = 0x01;
const SIGNATURE_LINE = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/;

export interface NoteSignature {
  keyName: string;
  keyHash: Buffer;
  signature: Buffer;
}

export function noteKeyHash(keyName: string, publicKey: KeyObject): Buffer {
  return createHash('sha256')
    .update(keyName, 'utf8')
    .update(Buffer.from([0x0a, ED25519_ALGORITHM]))
    .update(rawPublicKey(publicKey))
    .digest()
    .subarray(0, 4);
}

/** The C2SP verifier key string `<name>+<hex key hash>+<base64(0x01 ‖ key)>`, as Go's note package reads it. */
export function noteVerifierKey(keyName: string, publicKey: KeyObject): string {
  const encoded = Buffer.concat([Buffer.from([ED25519_ALGORITHM]), rawPublicKey(publicKey)]).toString('base64');
  return `${keyName}+${noteKeyHash(keyName, publicKey).toString('hex')}+${encoded}`;
}

export function signText(text: string, privateKey: KeyObject): Buffer {
  return sign(null, Buffer.from(text, 'utf8'), privateKey);
}

export function verifyText(text: string, signature: Buffer, publicKey: KeyObject): boolean {
  try {
    return signature.length === 64 && verify(null, Buffer.from(text, 'utf8'), publicKey, signature);
  } catch {
    return false;
  }
}

export function formatSignedNote(text: string, signatures: readonly NoteSignature[]): string {
  const lines = signatures.map(({ keyName, keyHash, signature }) => `\u2014 ${keyName} ${Buffer.concat([keyHash, signature]).toString('base64')}\n`);
  return `${text}\n${lines.join('')}`;
}

/** Splits a signed note into its text and signature lines, or undefined if it is not one. */
export function parseSignedNote(note: string): { text: string; signatures: NoteSignature[] } | undefined {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) return undefined;
  const text = note.slice(0, split + 1);
  const signatures: NoteSignature[] = [];
  for (const line of note.slice(split + 2, -1).split('\n')) {
    const match = SIGNATURE_LINE.exec(line);
    if (!match) return undefined;
    const bytes = Buffer.from(match[2] as string, 'base64');
    if (bytes.length < 5) return undefined;
    signatures.push({ keyName: match[1] as string, keyHash: bytes.subarray(0, 4), signature: bytes.subarray(4) });
  }
  return signatures.length > 0 ? { text, signatures } : undefined;
}

/** Whether the note carries a valid signature of `publicKey` under `keyName`. */
export function noteSignedBy(note: string, keyName: string, publicKey: KeyObject): boolean {
  const parsed = parseSignedNote(note);
  if (!parsed) return false;
  const keyHash = noteKeyHash(keyName, publicKey);
  return parsed.signatures.some((entry) => entry.keyName === keyName && entry.keyHash.equals(keyHash) && verifyText(parsed.text, entry.signature, publicKey));
}
