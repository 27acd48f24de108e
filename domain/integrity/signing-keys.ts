import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';

/** An Ed25519 public key as an RFC 8037 JWK. */
export interface PublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  use: 'sig';
  alg: 'EdDSA';
}

export interface VerifyingKey {
  kid: string;
  publicKey: KeyObject;
}

export interface SigningKey extends VerifyingKey {
  privateKey: KeyObject;
}

/** The 32 raw bytes of an Ed25519 public key. */
export function rawPublicKey(publicKey: KeyObject): Buffer {
  const { x } = publicKey.export({ format: 'jwk' });
  if (typeof x !== 'string') throw new TypeError('not an OKP public key');
  return Buffer.from(x, 'base64url');
}

/** RFC 7638 thumbprint: base64url SHA-256 of the required members in lexicographic order, no spaces. */
export function jwkThumbprint(publicKey: KeyObject): string {
  const x = rawPublicKey(publicKey).toString('base64url');
  return createHash('sha256').update(`{"crv":"Ed25519","kty":"OKP","x":"${x}"}`).digest('base64url');
}

export function publicJwk(key: VerifyingKey): PublicJwk {
  return { kty: 'OKP', crv: 'Ed25519', x: rawPublicKey(key.publicKey).toString('base64url'), kid: key.kid, use: 'sig', alg: 'EdDSA' };
}

function assertEd25519(key: KeyObject): void {
  if (key.asymmetricKeyType !== 'ed25519') throw new TypeError(`an integrity key must be Ed25519, not ${key.asymmetricKeyType ?? key.type}`);
}

/**
 * An Ed25519 private key from PEM (PKCS #8) or a private JWK (`d` present). Its kid is the JWK's own
 * `kid` when it has one, else the RFC 7638 thumbprint of its public key.
 */
export function parseSigningKey(text: string): SigningKey {
  const trimmed = text.trim();
  let privateKey: KeyObject;
  let kid: string | undefined;
  if (trimmed.startsWith('{')) {
    const jwk = JSON.parse(trimmed) as { kid?: unknown };
    privateKey = createPrivateKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
    kid = typeof jwk.kid === 'string' && jwk.kid.length > 0 ? jwk.kid : undefined;
  } else {
    privateKey = createPrivateKey(trimmed);
  }
  assertEd25519(privateKey);
  const publicKey = createPublicKey(privateKey);
  return { kid: kid ?? jwkThumbprint(publicKey), privateKey, publicKey };
}

/** A verifying key from an Ed25519 public JWK (RFC 8037), e.g. one entry of a JWKS. */
export function verifyingKeyFromJwk(jwk: { kty?: unknown; crv?: unknown; x?: unknown; kid?: unknown }): VerifyingKey {
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new TypeError('not an Ed25519 JWK');
  const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' });
  return { kid: typeof jwk.kid === 'string' ? jwk.kid : jwkThumbprint(publicKey), publicKey };
}
