import jwt from 'jsonwebtoken';

/** jsonwebtoken's claim checks end with the value they wanted ("jwt issuer invalid. expected: …"). */
const CLAIM_MISMATCH = /^jwt (issuer|audience|subject|jwtid|nonce) invalid/;

/**
 * What a client is told about why jsonwebtoken refused its token. Its own messages for a wrong
 * `iss` or `aud` name the expected value, which tells a forger what to claim: those get one
 * generic sentence. Other messages are fixed strings that reveal nothing configured.
 */
export function tokenErrorDetail(error: unknown): string {
  if (error instanceof jwt.TokenExpiredError) return 'The bearer token has expired.';
  if (error instanceof jwt.NotBeforeError) return 'The bearer token is not valid yet.';
  const message = (error as Error).message ?? '';
  if (CLAIM_MISMATCH.test(message) || /expected/i.test(message)) return 'The bearer token was not issued for this API (issuer or audience not accepted).';
  return `The bearer token is invalid: ${message}.`;
}
