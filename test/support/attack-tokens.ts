import { createHmac, createPublicKey, createSign, generateKeyPairSync, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';

export const ISSUER = 'https://idp.example.test';
export const AUDIENCE = 'audit-log-api';

export interface KeyPair {
  publicKey: string;
  privateKey: string;
}

export const rsaKeyPair = (): KeyPair =>
  generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A token with any header, signed (or not) by `sign` over `header.payload`. */
function handmade(header: object, claims: object, sign: (input: string) => string = () => ''): string {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${sign(input)}`;
}

const hmac = (algorithm: 'sha256' | 'sha384' | 'sha512', key: string | Buffer) => (input: string) => createHmac(algorithm, key).update(input).digest('base64url');

/** What the deployment under attack accepts: how it signs, and the tenant its users belong to. */
export interface Target {
  algorithm: 'HS256' | 'RS256';
  /** The HS256 secret, or the RS256 private key. */
  signKey: string;
  /** The RS256 public key (what a forger can read); the HS256 secret is never known to one. */
  publicKey?: string;
  tenantId: string;
}

/** Signs `header.payload` with the target's own key, for claims jsonwebtoken refuses to sign. */
function signedByTarget(target: Target): (input: string) => string {
  if (target.algorithm === 'HS256') return hmac('sha256', target.signKey);
  return (input) => createSign('RSA-SHA256').update(input).sign(target.signKey, 'base64url');
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A token the target accepts: the positive control that proves the probes can pass. */
export function validToken(target: Target, claims: Record<string, unknown> = {}): string {
  return jwt.sign({ role: 'user', tenant_id: target.tenantId, sub: 'svc', exp: nowSeconds() + 600, ...claims }, target.signKey, {
    algorithm: target.algorithm,
    issuer: ISSUER,
    audience: AUDIENCE,
  });
}

/**
 * Forged, tampered, expired, premature and malformed tokens: every one must be refused with 401.
 * Each name says what the attack is; values are the bearer strings to send.
 */
export function attackTokens(target: Target): Record<string, string> {
  const tenant_id = target.tenantId;
  const base = { role: 'user', tenant_id, sub: 'svc', iss: ISSUER, aud: AUDIENCE, exp: nowSeconds() + 600 };
  const admin = { ...base, role: 'admin', tenant_id: undefined };
  const attacker = rsaKeyPair();
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256', publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  const sign = (claims: object, key = target.signKey, algorithm: jwt.Algorithm = target.algorithm) => jwt.sign(claims, key, { algorithm });
  const valid = sign(base);
  const [head, body, signature = ''] = valid.split('.');
  const publicKey = target.publicKey ?? '';
  const without = (name: keyof typeof base) => Object.fromEntries(Object.entries(base).filter(([key]) => key !== name));

  const tokens: Record<string, string> = {
    'alg none, no signature': handmade({ alg: 'none', typ: 'JWT' }, base),
    'alg None': handmade({ alg: 'None', typ: 'JWT' }, base),
    'alg NONE as admin': handmade({ alg: 'NONE', typ: 'JWT' }, admin),
    'alg none with a signature': handmade({ alg: 'none' }, base, () => signature),
    'no alg at all': handmade({ typ: 'JWT' }, base, () => signature),
    'signed by an attacker RSA key': sign(base, attacker.privateKey, 'RS256'),
    'attacker key embedded as a jwk header': jwt.sign(base, attacker.privateKey, { algorithm: 'RS256', header: { alg: 'RS256', jwk: createPublicKey(attacker.publicKey).export({ format: 'jwk' }) } as jwt.JwtHeader }),
    'jku pointing at an attacker JWKS': jwt.sign(base, attacker.privateKey, { algorithm: 'RS256', header: { alg: 'RS256', jku: 'http://127.0.0.1:1/jwks.json', kid: 'evil' } }),
    'signed with ES256 by an attacker': sign(base, ec.privateKey, 'ES256'),
    'HS256 with a guessed secret': sign(base, 'secret', 'HS256'),
    'HS256 with an empty-ish secret': handmade({ alg: 'HS256', typ: 'JWT' }, base, hmac('sha256', '')),
    expired: sign({ ...base, exp: nowSeconds() - 60 }),
    'expired long ago, as admin': sign({ ...admin, exp: 1 }),
    'not yet valid (nbf in an hour)': sign({ ...base, nbf: nowSeconds() + 3600 }),
    'wrong issuer': sign({ ...base, iss: 'https://evil.example.test' }),
    'wrong audience': sign({ ...base, aud: 'another-api' }),
    'audience list without ours': sign({ ...base, aud: ['another-api', 'a-third'] }),
    'no issuer': sign(without('iss')),
    'no audience': sign(without('aud')),
    'no exp': sign(without('exp')),
    'exp as a string': handmade({ alg: target.algorithm, typ: 'JWT' }, { ...base, exp: String(nowSeconds() + 600) }, signedByTarget(target)),
    'no sub': sign(without('sub')),
    'empty sub': sign({ ...base, sub: '' }),
    'no role': sign(without('role')),
    'unknown role superadmin': sign({ ...base, role: 'superadmin' }),
    'role as a list': sign({ ...base, role: ['admin'] }),
    'user without tenant_id': sign(without('tenant_id')),
    'auditor without tenant_id': sign({ ...without('tenant_id'), role: 'auditor' }),
    'tenant_id not a UUID': sign({ ...base, tenant_id: "' OR 1=1 --" }),
    'tenant_id of no tenant': sign({ ...base, tenant_id: randomUUID() }),
    'payload swapped to admin, signature kept': `${head}.${b64(admin)}.${signature}`,
    'payload tenant swapped, signature kept': `${head}.${b64({ ...base, tenant_id: randomUUID() })}.${signature}`,
    'signature stripped': `${head}.${body}.`,
    'signature truncated': `${head}.${body}.${signature.slice(0, -4)}`,
    'two segments': `${head}.${body}`,
    'four segments': `${valid}.${signature}`,
    'not a JWT': 'not-a-token',
    'an 8 KiB blob': 'A'.repeat(8192),
  };
  if (target.algorithm === 'RS256') {
    // Algorithm confusion: HMAC keyed with the public key a forger can read.
    Object.assign(tokens, {
      'HS256 keyed with the RSA public key (confusion)': handmade({ alg: 'HS256', typ: 'JWT' }, base, hmac('sha256', publicKey)),
      'HS256 keyed with the public key, trimmed': handmade({ alg: 'HS256', typ: 'JWT' }, base, hmac('sha256', publicKey.trim())),
      'HS384 keyed with the RSA public key': handmade({ alg: 'HS384', typ: 'JWT' }, base, hmac('sha384', publicKey)),
      'HS512 keyed with the public key, as admin': handmade({ alg: 'HS512', typ: 'JWT' }, admin, hmac('sha512', publicKey)),
      'RS512 by the right key (algorithm switch)': sign(base, target.signKey, 'RS512'),
      'PS256 by the right key (algorithm switch)': sign(base, target.signKey, 'PS256'),
    });
  } else {
    Object.assign(tokens, {
      'HS512 by the right secret (algorithm switch)': sign(base, target.signKey, 'HS512'),
      'RS256 by an attacker key': sign(base, attacker.privateKey, 'RS256'),
    });
  }
  return tokens;
}
