import { createHmac, timingSafeEqual } from 'node:crypto';

/** A token this server did not sign, or signed for another purpose, or that was altered. */
export class UnsignedTokenError extends Error {
  override readonly name = 'UnsignedTokenError';
}

/**
 * Opaque, tamper-evident tokens: `base64url(JSON).base64url(HMAC-SHA256)`. The JSON is not secret
 * (it is the caller's own state); the signature stops a caller from forging or altering it. The
 * `purpose` enters the MAC, so a token issued for one use is never accepted for another.
 */
export function createSignedJson(secret: string, purpose: string) {
  const sign = (body: string) => createHmac('sha256', secret).update(`${purpose}.${body}`).digest();

  return {
    encode(payload: unknown): string {
      const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
      return `${body}.${sign(body).toString('base64url')}`;
    },

    /** The signed JSON value; throws UnsignedTokenError for anything else. */
    decode(token: string): unknown {
      const [body, signature, extra] = token.split('.');
      if (!body || !signature || extra !== undefined) throw new UnsignedTokenError('malformed token');
      const expected = sign(body);
      const given = Buffer.from(signature, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new UnsignedTokenError('signature does not match');
      try {
        return JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
      } catch {
        throw new UnsignedTokenError('malformed token');
      }
    },
  };
}
