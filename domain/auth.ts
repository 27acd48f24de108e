import type { ViewerFilters } from './viewer-filters';

export const ROLES = ['admin', 'user', 'auditor', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, from the verified token only. */
export interface Principal {
  sub: string;
  role: Role;
  /** The token's tenant; undefined for a platform admin. */
  tokenTenantId: string | undefined;
  /** The token's `jti`: minted tokens carry one and can be revoked by it; others (an operator's own) may not. */
  tokenId?: string;
  /** A viewer token's fixed filters (its `filters` claim): every read it makes is narrowed to them. */
  filters?: ViewerFilters;
}

/** Roles that read a tenant's log (search, get, stats, stream); a viewer only through its fixed filters. */
export const LOG_READERS = ['admin', 'user', 'auditor', 'viewer'] as const satisfies readonly Role[];
/** Roles that export a tenant's log. */
export const LOG_EXPORTERS = ['admin', 'auditor', 'viewer'] as const satisfies readonly Role[];

/** Roles whose every read of the log is itself recorded in the log (`audit_log.viewed`). */
export const AUDITED_READER_ROLES: readonly Role[] = ['viewer', 'auditor'];
