import { createPublicKey } from 'node:crypto';
import { jwkThumbprint, parseSigningKey, verifyingKeyFromJwk, type SigningKey, type VerifyingKey } from './signing-keys';

export interface IntegrityKeys {
  /** Signs new checkpoints. */
  signing: SigningKey;
  /** Every key whose checkpoints still verify, the signing key first; retired keys stay here. */
  verifying: VerifyingKey[];
}

const PEM_BLOCK = /-----BEGIN ([A-Z ]+)-----[\s\S]+?-----END \1-----/g;

function entriesOf(text: string): { text: string; isPrivate: boolean }[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    const parsed = JSON.parse(trimmed) as unknown;
    const list = Array.isArray(parsed) ? parsed : typeof parsed === 'object' && parsed !== null && Array.isArray((parsed as { keys?: unknown }).keys) ? (parsed as { keys: unknown[] }).keys : [parsed];
    return list.map((jwk) => ({ text: JSON.stringify(jwk), isPrivate: typeof (jwk as { d?: unknown }).d === 'string' }));
  }
  return [...trimmed.matchAll(PEM_BLOCK)].map((match) => ({ text: match[0], isPrivate: (match[1] as string).includes('PRIVATE') }));
}

/**
 * The integrity keys from configuration: Ed25519 keys as PEM blocks one after another, or as JWKs
 * (one, an array, or a JWKS). The first must be private and signs; the others only verify, so a key
 * can be rotated (new key first, old one kept after it, even as a public key) without breaking old
 * checkpoints. Throws with a message fit for a configuration error.
 */
export function parseIntegrityKeys(text: string): IntegrityKeys {
  const entries = entriesOf(text);
  const [first] = entries;
  if (!first) throw new TypeError('no Ed25519 key found (expected PEM blocks or JWKs)');
  if (!first.isPrivate) throw new TypeError('the first key signs, so it must be a private key');
  const verifying: VerifyingKey[] = entries.map((entry) => {
    if (entry.isPrivate) {
      const { kid, publicKey } = parseSigningKey(entry.text);
      return { kid, publicKey };
    }
    if (entry.text.startsWith('{')) return verifyingKeyFromJwk(JSON.parse(entry.text) as Record<string, unknown>);
    const publicKey = createPublicKey(entry.text);
    if (publicKey.asymmetricKeyType !== 'ed25519') throw new TypeError('an integrity key must be Ed25519');
    return { kid: jwkThumbprint(publicKey), publicKey };
  });
  const kids = verifying.map((key) => key.kid);
  if (new Set(kids).size !== kids.length) throw new TypeError(`two keys share a kid: ${kids.join(', ')}`);
  return { signing: parseSigningKey(first.text), verifying };
}
