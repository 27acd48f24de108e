export const ROLES = ['admin', 'user', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, from the verified token only. */
export interface Principal {
  sub: string;
  role: Role;
  /** The token's tenant; undefined for a platform admin. */
  tokenTenantId: string | undefined;
  /** The token's `jti`: minted tokens carry one and can be revoked by it; others (an operator's own) may not. */
  tokenId?: string;
}
