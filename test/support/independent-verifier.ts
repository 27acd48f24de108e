import { createHash, createPublicKey, verify } from 'node:crypto';

/**
 * A second, deliberately separate implementation of what a client needs to check the log, written
 * from the RFCs and C2SP specs alone: it imports nothing from the service (domain/integrity included),
 * so a shared mistake cannot make both agree. Tests feed it only what the API returns.
 */

const sha256 = (...parts: Uint8Array[]) => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};

/** RFC 8785 for JSON as parsed by JSON.parse: ES number and string serialisation, keys sorted by UTF-16 code units. */
export function jcs(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(jcs).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${jcs(member)}`).join(',')}}`;
}

export const leafHashOf = (event: unknown): Buffer => sha256(Buffer.from([0]), Buffer.from(jcs(event), 'utf8'));
const node = (left: Buffer, right: Buffer) => sha256(Buffer.from([1]), left, right);

/** RFC 9162 §2.1.1 MTH, literally recursive. */
export function mth(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return sha256();
  if (leaves.length === 1) return leaves[0] as Buffer;
  let k = 1;
  while (k << 1 < leaves.length) k <<= 1;
  return node(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

/** RFC 9162 §2.1.3.2. */
export function inclusionHolds(leaf: Buffer, index: number, size: number, path: readonly Buffer[], root: Buffer): boolean {
  if (index >= size) return false;
  let fn = BigInt(index);
  let sn = BigInt(size - 1);
  let r = leaf;
  for (const p of path) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      r = node(p, r);
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      r = node(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && r.equals(root);
}

/** RFC 9162 §2.1.4.2, for 0 < first < second. */
export function consistencyHolds(first: number, second: number, firstRoot: Buffer, secondRoot: Buffer, proof: readonly Buffer[]): boolean {
  if (first === second) return proof.length === 0 && firstRoot.equals(secondRoot);
  if (first <= 0 || first > second || proof.length === 0) return false;
  const path = (BigInt(first) & (BigInt(first) - 1n)) === 0n ? [firstRoot, ...proof] : [...proof];
  let fn = BigInt(first - 1);
  let sn = BigInt(second - 1);
  while ((fn & 1n) === 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  let fr = path[0] as Buffer;
  let sr = path[0] as Buffer;
  for (const c of path.slice(1)) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      fr = node(c, fr);
      sr = node(c, sr);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      sr = node(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return fr.equals(firstRoot) && sr.equals(secondRoot) && sn === 0n;
}

interface Jwk {
  kty: string;
  crv: string;
  x: string;
  kid: string;
}

/**
 * Checks a C2SP signed checkpoint note against a JWKS: the note's text is a checkpoint body
 * (origin, size, base64 root), and one signature line, keyed by the note's origin, verifies with
 * the JWK `kid`. Returns the body's fields when all of that holds.
 */
export function checkSignedCheckpoint(note: string, kid: string, jwks: { keys: Jwk[] }): { origin: string; size: number; root: Buffer } | undefined {
  const jwk = jwks.keys.find((key) => key.kid === kid);
  if (!jwk || jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519') return undefined;
  const publicKey = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x }, format: 'jwk' });
  const blank = note.indexOf('\n\n');
  if (blank < 0) return undefined;
  const text = note.slice(0, blank + 1);
  const [origin, size, root] = text.split('\n');
  if (!origin || !size || !root) return undefined;
  const keyHash = sha256(Buffer.from(`${origin}\n`, 'utf8'), Buffer.from([1]), Buffer.from(jwk.x, 'base64url')).subarray(0, 4);
  const signed = note
    .slice(blank + 2)
    .split('\n')
    .filter((line) => line.startsWith(`\u2014 ${origin} `))
    .map((line) => Buffer.from(line.slice(`\u2014 ${origin} `.length), 'base64'))
    .some((bytes) => bytes.length === 68 && bytes.subarray(0, 4).equals(keyHash) && verify(null, Buffer.from(text, 'utf8'), publicKey, bytes.subarray(4)));
  return signed ? { origin, size: Number(size), root: Buffer.from(root, 'base64') } : undefined;
}
