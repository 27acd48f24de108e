import jwt from 'jsonwebtoken';
import type { Config } from '../config/config';
import type { Role } from '../../domain/auth';
import type { ViewerFilters } from '../../domain/viewer-filters';

export interface TokenRequest {
  sub: string;
  role: Role;
  tenantId?: string;
  ttlSeconds: number;
  /** `jti`: lets the audit event that records the minting name the token without holding it. */
  tokenId?: string;
  /** A viewer's fixed filters, carried as the `filters` claim. */
  filters?: ViewerFilters;
}

/** Signs a token with the configured algorithm and key; the only way tokens are minted. */
export function signToken(config: Config['jwt'], request: TokenRequest): { token: string; expiresAt: Date } {
  if (!config.signKey) throw new Error(`no signing key configured (${config.algorithm === 'HS256' ? 'JWT_SECRET' : 'JWT_PRIVATE_KEY'})`);
  const nowSeconds = Math.floor(Date.now() / 1000);
  const claims = {
    role: request.role,
    ...(request.tenantId ? { tenant_id: request.tenantId } : {}),
    ...(request.filters && Object.keys(request.filters).length > 0 ? { filters: request.filters } : {}),
  };
  const token = jwt.sign(claims, config.signKey, {
    algorithm: config.algorithm,
    subject: request.sub,
    expiresIn: request.ttlSeconds,
    ...(request.tokenId ? { jwtid: request.tokenId } : {}),
    ...(config.keyId ? { keyid: config.keyId } : {}),
    ...(config.issuer ? { issuer: config.issuer } : {}),
    ...(config.audience ? { audience: config.audience } : {}),
  });
  return { token, expiresAt: new Date((nowSeconds + request.ttlSeconds) * 1000) };
}
