import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import jwt, { type JwtHeader } from 'jsonwebtoken';
import type { JwksClient } from 'jwks-rsa';
import { Type } from '@sinclair/typebox';
import type { Config } from '../config/config';
import { ROLES, type Principal, type Role } from '../../domain/auth';
import { ViewerFiltersSchema } from '../../domain/viewer-filters';
import { compileBody } from '../validation/ajv';
import { tokenErrorDetail } from './token-error-detail';

/** The token is missing, malformed, forged, expired or carries invalid claims: the caller is unauthenticated. */
export class TokenRejectedError extends Error {
  override readonly name = 'TokenRejectedError';
}

/** The keys that verify tokens could not be fetched (the JWKS endpoint is down): nobody can be authenticated. */
export class VerificationKeysUnavailableError extends Error {
  override readonly name = 'VerificationKeysUnavailableError';
}

export interface VerifiedToken {
  principal: Principal;
  expiresAt: Date;
}

export interface TokenVerifier {
  /** The options jsonwebtoken (and koa-jwt) must verify with: the one algorithm, `iss`/`aud` when configured. */
  readonly verifyOptions: jwt.VerifyOptions & { algorithms: jwt.Algorithm[] };
  /** The key that verifies a token with this header (the secret, the public key, or the JWKS key of its kid). */
  keyFor(header: JwtHeader): Promise<VerificationKey>;
  /** Checks verified claims (`exp` required, known role, tenant for non-admins) and makes the Principal. */
  principalFrom(payload: unknown): VerifiedToken;
  /** Signature, algorithm, expiry and claims in one step, for entry points outside Koa (WebSocket upgrades). */
  verify(token: string): Promise<VerifiedToken>;
}

const ClaimsSchema = Type.Object(
  {
    sub: Type.String({ minLength: 1, maxLength: 256 }),
    role: Type.Union(ROLES.map((role) => Type.Literal(role))),
    tenant_id: Type.Optional(Type.String({ format: 'uuid' })),
    exp: Type.Number(),
    jti: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    filters: Type.Optional(ViewerFiltersSchema),
  },
  { additionalProperties: true },
);
const validateClaims = compileBody(ClaimsSchema);

type VerificationKey = string | KeyObject;
type KeyFor = (header: JwtHeader) => Promise<VerificationKey>;

function publicKeyFrom(pem: string): KeyObject {
  try {
    return createPublicKey(pem);
  } catch (error) {
    throw new Error(`JWT_PUBLIC_KEY is not a usable public key: ${(error as Error).message}`, { cause: error });
  }
}

function keySource(config: Config['jwt']): KeyFor {
  if (config.verifyKey) {
    // Built once: given a string, jsonwebtoken parses it into a key object on every verification.
    const key = config.algorithm === 'HS256' ? createSecretKey(Buffer.from(config.verifyKey, 'utf8')) : publicKeyFrom(config.verifyKey);
    return async () => key;
  }
  if (!config.jwksUri) throw new Error('no verification key configured (JWT_SECRET, JWT_PUBLIC_KEY or JWKS_URI)');
  const { jwksUri } = config;
  // Keys are cached per kid; unknown kids may refetch the set at most a few times a minute, so
  // tokens with invented kids cannot turn the API into a JWKS request amplifier. jwks-rsa (and jose
  // under it, ~6 MiB resident) is loaded only by deployments that use it (issue 13); its client
  // fetches nothing until asked for a key.
  let jwks: Promise<JwksClient> | undefined;
  return async (header) => {
    try {
      jwks ??= import('jwks-rsa').then(({ JwksClient }) => new JwksClient({ jwksUri, cache: true, rateLimit: true, jwksRequestsPerMinute: 10, timeout: 5000 }));
      return (await (await jwks).getSigningKey(header.kid)).getPublicKey();
    } catch (error) {
      if ((error as { isEndpointUnavailable?: boolean }).isEndpointUnavailable) {
        throw new VerificationKeysUnavailableError('The token verification keys are unavailable; retry shortly.');
      }
      throw new TokenRejectedError(`The token's signing key is unknown: ${(error as Error).message}.`);
    }
  };
}

/**
 * Verifies bearer tokens with the one configured algorithm (no `none`, no switching between HMAC and
 * RSA), requires `exp`, checks `iss`/`aud` when configured, and turns the claims into a Principal.
 * Shared by the HTTP middleware and any other entry point that authenticates (e.g. WebSocket upgrades).
 */
export function createTokenVerifier(config: Config['jwt']): TokenVerifier {
  const keyFor = keySource(config);
  const verifyOptions = {
    algorithms: [config.algorithm],
    ...(config.issuer ? { issuer: config.issuer } : {}),
    ...(config.audience ? { audience: config.audience } : {}),
  };

  function principalFrom(payload: unknown): VerifiedToken {
    const claims = validateClaims(payload);
    if (!claims.ok) {
      throw new TokenRejectedError(`The token's claims are invalid: ${claims.errors.map((e) => `${e.path || '/'} ${e.message}`).join('; ')}.`);
    }
    const { sub, role, tenant_id: tenantId, exp, jti, filters } = claims.value;
    if (role !== 'admin' && !tenantId) throw new TokenRejectedError(`A ${role} token must carry tenant_id.`);
    // Fixed filters bind a viewer only: on any other role they would be ignored by its writes and
    // admin routes, so a token that carries them anyway is refused rather than half-honoured.
    if (filters && role !== 'viewer') throw new TokenRejectedError(`Only a viewer token may carry filters, not a ${role} token.`);
    const principal: Principal = {
      sub,
      role: role as Role,
      tokenTenantId: tenantId?.toLowerCase(),
      ...(jti ? { tokenId: jti.toLowerCase() } : {}),
      ...(filters && Object.keys(filters).length > 0 ? { filters } : {}),
    };
    return { principal, expiresAt: new Date(exp * 1000) };
  }

  return {
    verifyOptions,
    keyFor,
    principalFrom,
    async verify(token) {
      const decoded = jwt.decode(token, { complete: true });
      if (!decoded || typeof decoded.payload === 'string') throw new TokenRejectedError('The bearer token is not a well-formed JWT.');
      if (decoded.header.alg !== config.algorithm) throw new TokenRejectedError(`The token must be signed with ${config.algorithm}.`);
      const key = await keyFor(decoded.header);
      let payload: unknown;
      try {
        payload = jwt.verify(token, key, verifyOptions);
      } catch (error) {
        throw new TokenRejectedError(tokenErrorDetail(error));
      }
      return principalFrom(payload);
    },
  };
}
